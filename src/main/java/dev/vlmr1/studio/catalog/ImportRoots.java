package dev.vlmr1.studio.catalog;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The start-up check that no import root opens the platform's own files to registration by path. */
final class ImportRoots {

	private ImportRoots() {
	}

	/**
	 * Refuses (with an exception that stops the application) an import root that is, contains or lies inside the
	 * data directory, comparing both the paths as written and, where they exist, their real paths (a symlinked root
	 * must not lead into the data directory either).
	 */
	static void requireOutsideDataDir(List<Path> importRoots, Path dataDir) {
		List<Path> dataDirForms = forms(dataDir);
		for (Path root : importRoots) {
			for (Path rootForm : forms(root)) {
				for (Path data : dataDirForms) {
					if (rootForm.startsWith(data) || data.startsWith(rootForm)) {
						throw new IllegalStateException("studio.models.import-roots: " + root + " overlaps the data "
								+ "directory " + dataDir + ", whose checkpoints, models and database belong to the "
								+ "platform and its users; import from a directory outside it");
					}
				}
			}
		}
	}

	/** The path as written and as it resolves: its nearest existing ancestor's real path, plus the rest. */
	private static List<Path> forms(Path path) {
		Path absolute = path.toAbsolutePath().normalize();
		List<Path> forms = new ArrayList<>(List.of(absolute));
		for (Path existing = absolute; existing != null; existing = existing.getParent()) {
			try {
				forms.add(existing.toRealPath().resolve(existing.relativize(absolute)));
				break;
			}
			catch (IOException ex) {
				// not there (yet): try its parent
			}
		}
		return forms;
	}

}
