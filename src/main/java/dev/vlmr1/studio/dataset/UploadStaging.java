package dev.vlmr1.studio.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import dev.vlmr1.studio.dataset.ingest.ArchiveImport;
import dev.vlmr1.studio.dataset.ingest.Issue;
import dev.vlmr1.studio.dataset.ingest.IssueCode;
import dev.vlmr1.studio.dataset.ingest.JsonlInput;
import dev.vlmr1.studio.dataset.ingest.SafePaths;
import dev.vlmr1.studio.web.StudioProperties;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.web.multipart.MultipartFile;

/**
 * Copies an upload's parts into a private staging folder ({@code <data-dir>/staging/<uuid>}) and turns them into
 * {@link JsonlInput}s: jsonl files, their images (individual files written under their relative names, or an
 * archive extracted safely) or an allowed server folder. Problems here are fatal (line 0) issues.
 */
@Component
class UploadStaging {

	/** The parts of one upload; maps are keyed by the jsonl index. */
	record Parts(List<MultipartFile> jsonl, Map<Integer, List<MultipartFile>> images,
			Map<Integer, MultipartFile> archives, Map<Integer, String> folders) {
	}

	/** A staged upload; {@link #close} deletes the staging folder. */
	record Staged(Path dir, List<JsonlInput> inputs, List<Issue> issues) implements AutoCloseable {

		@Override
		public void close() {
			deleteTree(dir);
		}

	}

	private final Path stagingRoot;

	private final DatasetProperties properties;

	UploadStaging(StudioProperties studio, DatasetProperties properties) {
		this.stagingRoot = studio.dataDir().resolve("staging").toAbsolutePath();
		this.properties = properties;
	}

	Staged stage(Parts parts) {
		try {
			Path dir = Files.createDirectories(stagingRoot).resolve(UUID.randomUUID().toString());
			Files.createDirectory(dir);
			Staged staged = new Staged(dir.toRealPath(), new ArrayList<>(), new ArrayList<>());
			try {
				stageInto(parts, staged);
			}
			catch (RuntimeException | IOException ex) {
				staged.close();
				throw ex;
			}
			return staged;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void stageInto(Parts parts, Staged staged) throws IOException {
		if (parts.jsonl().isEmpty()) {
			staged.issues().add(Issue.of("jsonl", 0, "", IssueCode.BAD_UPLOAD, "at least one jsonl part is required"));
			return;
		}
		Set<Integer> indexes = new HashSet<>(parts.images().keySet());
		indexes.addAll(parts.archives().keySet());
		indexes.addAll(parts.folders().keySet());
		for (int index : indexes) {
			if (index < 0 || index >= parts.jsonl().size()) {
				staged.issues().add(Issue.of("part[" + index + "]", 0, "", IssueCode.BAD_UPLOAD,
						"images, archive or folder for jsonl #" + index + ", but only " + parts.jsonl().size() + " jsonl part(s)"));
			}
		}
		Set<String> names = new HashSet<>();
		for (int i = 0; i < parts.jsonl().size(); i++) {
			MultipartFile jsonl = parts.jsonl().get(i);
			String name = uniqueName(jsonl.getOriginalFilename(), i, names);
			Path file = staged.dir().resolve("jsonl-" + i + ".jsonl");
			jsonl.transferTo(file);
			List<MultipartFile> images = parts.images().getOrDefault(i, List.of());
			MultipartFile archive = parts.archives().get(i);
			String folder = parts.folders().get(i);
			int sources = (images.isEmpty() ? 0 : 1) + (archive == null ? 0 : 1) + (folder == null ? 0 : 1);
			if (sources > 1) {
				staged.issues().add(Issue.of(name, 0, "", IssueCode.BAD_UPLOAD,
						"give images, an archive or a folder for a jsonl file, not several"));
				continue;
			}
			Path root = null;
			String source = "none";
			if (!images.isEmpty()) {
				root = stageImages(images, staged.dir().resolve("images-" + i), "images[" + i + "]", staged.issues());
				source = "files";
			}
			else if (archive != null) {
				root = Files.createDirectory(staged.dir().resolve("images-" + i));
				Path archiveFile = staged.dir().resolve("archive-" + i);
				archive.transferTo(archiveFile);
				Issue problem = ArchiveImport.extract(archiveFile, root, properties.limits(), "archive[" + i + "]");
				Files.delete(archiveFile);
				if (problem != null) {
					staged.issues().add(problem);
				}
				source = "archive";
			}
			else if (folder != null) {
				root = allowedFolder(folder, "folder[" + i + "]", staged.issues());
				source = "folder";
			}
			staged.inputs().add(new JsonlInput(name, file, root == null ? null : root.toRealPath(), source));
		}
	}

	private Path stageImages(List<MultipartFile> images, Path root, String part, List<Issue> issues) throws IOException {
		Files.createDirectory(root);
		int maxPath = properties.limits().maxPathLength();
		for (MultipartFile image : images) {
			String name = image.getOriginalFilename() == null ? "" : image.getOriginalFilename();
			String problem = SafePaths.problem(name, maxPath);
			if (problem != null) {
				issues.add(Issue.of(part, 0, name.replace("\0", "\\0"), IssueCode.UNSAFE_PATH, problem));
				continue;
			}
			Path target = root.resolve(name);
			if (Files.exists(target)) {
				issues.add(Issue.of(part, 0, name, IssueCode.BAD_UPLOAD, Files.isDirectory(target)
						? "an image name is also the folder of another image" : "the same image name was uploaded twice"));
				continue;
			}
			if (fileOnTheWay(root, target)) {
				issues.add(Issue.of(part, 0, name, IssueCode.BAD_UPLOAD,
						"a folder of this image name is also the name of another image"));
				continue;
			}
			Files.createDirectories(target.getParent());
			try (InputStream in = image.getInputStream()) {
				Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		return root;
	}

	/** Whether a folder between {@code root} and {@code target} already exists as a file ("a" then "a/b.png"). */
	private static boolean fileOnTheWay(Path root, Path target) {
		for (Path folder = target.getParent(); folder != null && folder.startsWith(root) && !folder.equals(root);
				folder = folder.getParent()) {
			if (Files.exists(folder) && !Files.isDirectory(folder)) {
				return true;
			}
		}
		return false;
	}

	/** The real path of {@code folder} if it lies under an allowed root (symlinks resolved), else an issue. */
	private @Nullable Path allowedFolder(String folder, String part, List<Issue> issues) {
		try {
			Path path = Path.of(folder);
			if (path.isAbsolute() && Files.isDirectory(path)) {
				Path real = path.toRealPath();
				for (Path root : properties.allowedRoots()) {
					if (Files.isDirectory(root) && real.startsWith(root.toRealPath())) {
						return real;
					}
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// reported below, without saying whether the folder exists
		}
		issues.add(Issue.of(part, 0, "", IssueCode.FOLDER_NOT_ALLOWED,
				"the folder is not a directory under studio.datasets.allowed-roots"));
		return null;
	}

	private static String uniqueName(@Nullable String original, int index, Set<String> taken) {
		String base = original == null ? "" : original.substring(Math.max(original.lastIndexOf('/'), original.lastIndexOf('\\')) + 1);
		base = base.replaceAll("[\\p{Cntrl}]", "_");
		if (base.isBlank()) {
			base = "file" + index + ".jsonl";
		}
		if (base.length() > 200) {
			base = base.substring(0, 200);
		}
		String name = base;
		for (int n = 2; !taken.add(name); n++) {
			name = base + "#" + n;
		}
		return name;
	}

	static void deleteTree(Path dir) {
		if (!Files.exists(dir)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(dir)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
