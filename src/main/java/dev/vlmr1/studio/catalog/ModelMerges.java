package dev.vlmr1.studio.catalog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import dev.vlmr1.studio.model.CheckpointException;
import dev.vlmr1.studio.model.lora.PeftAdapterFiles;
import dev.vlmr1.studio.model.safetensors.DType;
import dev.vlmr1.studio.model.safetensors.SafetensorsException;
import dev.vlmr1.studio.model.safetensors.SafetensorsReader;
import dev.vlmr1.studio.model.safetensors.TensorInfo;
import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;
import dev.vlmr1.studio.web.StudioProperties;

/**
 * "Merge and export": writes a LoRA adapter model merged into its base as a full Hugging Face checkpoint (merged
 * weights, config, tokenizer, preprocessor) in the platform's model folder and registers it as a new model of the
 * caller.
 *
 * <p>A 3B merge holds the base in memory and takes minutes, so it runs off the request thread, one at a time, in
 * its own process ({@code merge-lora}, the command-line tool): the server's heap and native memory never hold the
 * weights, and a merge that runs out of memory or disk fails alone. The request is checked first (the caller's own
 * adapter model, its base still there, a free name, room on the disk), then the merge is queued; its state, phase
 * and bytes written so far are what {@link #list} shows. The checkpoint is written into a hidden staging directory
 * and moved into place only when complete, so a failed merge leaves neither a directory nor a catalog row (and a
 * server stopped mid-merge removes the staging directory on its next start).
 *
 * <p>Merges are remembered in memory only (the last {@value #REMEMBERED}): the model they produce is what lasts.
 */
@Service
public class ModelMerges implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(ModelMerges.class);

	static final String STAGING_PREFIX = ".merging-";

	static final int REMEMBERED = 200;

	private static final int TAIL_LINES = 20;

	private static final Map<String, DType> STORAGE = Map.of("f32", DType.F32, "bf16", DType.BF16, "f16", DType.F16);

	private final ModelCatalog catalog;

	private final RegisteredModelRepository models;

	private final ModelRegistryProperties.Merge settings;

	private final Path modelsDir;

	private final ExecutorService runner = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "model-merge");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicLong ids = new AtomicLong();

	private final Map<Long, Job> jobs = new ConcurrentHashMap<>();

	ModelMerges(ModelCatalog catalog, RegisteredModelRepository models, ModelRegistryProperties properties,
			StudioProperties studio) {
		this.catalog = catalog;
		this.models = models;
		this.settings = properties.merge();
		this.modelsDir = ModelCatalog.platformModelsDir(studio);
		removeStagingLeftovers();
	}

	/**
	 * Queues the merge of the caller's adapter model {@code modelId}.
	 * @param name the merged model's name; {@code <adapter name>-merged} when null
	 * @param dtype {@code f32}, {@code bf16} or {@code f16}; the base's own storage type when null
	 * @throws ApiProblem 404 for a model that is not the caller's, 400 for a full checkpoint or a bad field, 409 for a
	 * name in use or a base that is gone, 507 when the checkpoint would not fit on the disk
	 */
	public ModelMerge start(CurrentUser user, long modelId, @Nullable String name, @Nullable String dtype) {
		CatalogModel source = ownModel(user, modelId);
		Path adapter = Path.of(source.path());
		if (!PeftAdapterFiles.isAdapter(adapter)) {
			throw ApiProblem.badRequest("model-not-adapter", "model " + modelId
					+ " is a full checkpoint, not a LoRA adapter: there is nothing to merge");
		}
		Path base = baseOf(adapter);
		requireReachable(user, base);
		List<TensorInfo> baseWeights = weights(base);
		DType storage = storage(dtype, baseWeights);
		String mergedName = name(user, source, name);
		long expected = baseWeights.stream().mapToLong((t) -> t.elementCount() * storage.bytes()).sum();
		requireRoom(expected);
		Job job = new Job(ids.incrementAndGet(), user, source.id(), mergedName, storage, adapter, base, expected);
		jobs.put(job.id, job);
		forgetOldest();
		runner.execute(() -> run(job));
		return job.view();
	}

	/** The merges of the caller's model {@code modelId}, newest first (404 when it is not the caller's). */
	public List<ModelMerge> list(CurrentUser user, long modelId) {
		ownModel(user, modelId);
		return jobs.values().stream().filter((j) -> j.sourceModelId == modelId)
			.sorted(Comparator.comparingLong((Job j) -> j.id).reversed()).map(Job::view).toList();
	}

	/** The caller's merges of any model, newest first (the models page shows them). */
	public List<ModelMerge> list(CurrentUser user) {
		return jobs.values().stream().filter((j) -> j.owner.id() == user.id())
			.sorted(Comparator.comparingLong((Job j) -> j.id).reversed()).map(Job::view).toList();
	}

	/** Owner-only, administrators included: a merge copies the weights into the caller's catalog. */
	private CatalogModel ownModel(CurrentUser user, long modelId) {
		return catalog.find(user, modelId).filter((m) -> m.ownerId() == user.id())
			.orElseThrow(() -> ApiProblem.notFound("Model " + modelId));
	}

	private static Path baseOf(Path adapter) {
		try {
			Path base = PeftAdapterFiles.basePath(adapter);
			if (Files.isRegularFile(base.resolve("config.json")) && !PeftAdapterFiles.isAdapter(base)) {
				return base;
			}
		}
		catch (CheckpointException ex) {
			// reported below, without the server path
		}
		throw baseMissing();
	}

	private static ApiProblem baseMissing() {
		return ApiProblem.conflict("merge-base-missing", "the adapter's base model (its base_model_name_or_path) is no "
				+ "longer a checkpoint within the import roots nor one of your models: restore it, or register the "
				+ "adapter again with its base");
	}

	/**
	 * The base is read again from {@code adapter_config.json} now, which may have changed since the adapter was
	 * registered: like at registration it must lie under an import root or be one of the caller's own models, so no
	 * edited adapter can copy someone else's weights into the caller's catalog. Otherwise reported like a missing
	 * base.
	 */
	private void requireReachable(CurrentUser user, Path base) {
		Path real = realPath(base);
		boolean underRoot = catalog.importRoots().stream().map(ModelMerges::realPath)
			.anyMatch((root) -> root != null && real != null && real.startsWith(root));
		boolean ownModel = models.findByOwnerIdOrderByIdDesc(user.id()).stream()
			.map((m) -> realPath(Path.of(m.toCatalogModel().path())))
			.anyMatch((dir) -> dir != null && dir.equals(real));
		if (!underRoot && !ownModel) {
			throw baseMissing();
		}
	}

	private static @Nullable Path realPath(Path path) {
		try {
			return path.toRealPath();
		}
		catch (IOException ex) {
			return null;
		}
	}

	/** The base's weight tensors, from the safetensors headers alone. */
	private static List<TensorInfo> weights(Path base) {
		List<TensorInfo> tensors = new ArrayList<>();
		try {
			for (Path file : weightFiles(base)) {
				try (SafetensorsReader reader = SafetensorsReader.open(file)) {
					tensors.addAll(reader.tensors());
				}
			}
		}
		catch (IOException | UncheckedIOException | SafetensorsException | CheckpointException ex) {
			throw ApiProblem.conflict("merge-base-missing", "the adapter's base model has no readable weights");
		}
		if (tensors.isEmpty()) {
			throw ApiProblem.conflict("merge-base-missing", "the adapter's base model has no weights");
		}
		return tensors;
	}

	private static List<Path> weightFiles(Path base) throws IOException {
		Path single = base.resolve("model.safetensors");
		if (Files.isRegularFile(single)) {
			return List.of(single);
		}
		try (Stream<Path> files = Files.list(base)) {
			return files.filter((f) -> f.getFileName().toString().matches("model-\\d+-of-\\d+\\.safetensors")).sorted()
				.toList();
		}
	}

	private static DType storage(@Nullable String dtype, List<TensorInfo> baseWeights) {
		if (dtype == null) {
			DType stored = baseWeights.get(0).dtype();
			return STORAGE.containsValue(stored) ? stored : DType.F32;
		}
		DType storage = STORAGE.get(dtype);
		if (storage == null) {
			throw ApiProblem.badRequest("merge-invalid", "dtype must be f32, bf16 or f16, not '" + dtype + "'")
				.with("field", "dtype");
		}
		return storage;
	}

	private String name(CurrentUser user, CatalogModel source, @Nullable String requested) {
		String name = requested == null ? source.name() + "-merged" : requested.strip();
		if (name.isEmpty() || name.length() > 200) {
			throw ApiProblem.badRequest("merge-invalid", "name must be 1 to 200 characters").with("field", "name");
		}
		boolean queued = jobs.values().stream()
			.anyMatch((j) -> j.owner.id() == user.id() && j.active() && j.name.equals(name));
		if (queued || models.existsByOwnerIdAndName(user.id(), name)) {
			throw ApiProblem.conflict("model-exists", "a model named '" + name + "' is already registered or being merged")
				.with("field", "name");
		}
		return name;
	}

	private void requireRoom(long expected) {
		long free;
		try {
			// the folder itself may not exist yet: a refused request creates nothing
			Path existing = modelsDir;
			while (!Files.exists(existing) && existing.getParent() != null) {
				existing = existing.getParent();
			}
			free = Files.getFileStore(existing).getUsableSpace();
		}
		catch (IOException ex) {
			throw new ApiProblem(HttpStatus.INSUFFICIENT_STORAGE, "insufficient-storage", "Insufficient storage",
					"the platform's model folder cannot be written");
		}
		long reserve = settings.diskReserve().toBytes();
		if (free - reserve < expected) {
			throw new ApiProblem(HttpStatus.INSUFFICIENT_STORAGE, "insufficient-storage", "Insufficient storage",
					"the merged checkpoint needs about " + gib(expected) + " and the data directory's disk has "
							+ gib(Math.max(0, free)) + " free, of which " + gib(reserve)
							+ " stays reserved (studio.models.merge.disk-reserve)")
				.with("bytesNeeded", expected)
				.with("bytesFree", free);
		}
	}

	private static String gib(long bytes) {
		return String.format(java.util.Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
	}

	private void run(Job job) {
		Path staging = modelsDir.resolve(STAGING_PREFIX + job.id);
		Path target = modelsDir.resolve("merged-" + job.id + "-" + UUID.randomUUID().toString().substring(0, 8));
		job.phase("RUNNING", "starting");
		try {
			int exit = runProcess(job, staging);
			if (exit != 0) {
				throw new IllegalStateException(failure(exit, job.tail()));
			}
			job.phase("RUNNING", "registering");
			Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
			CatalogModel merged = catalog.registerPlatformModel(job.owner, job.name, target);
			job.succeeded(merged.id(), directorySize(target));
			log.info("merged model {} into model {} ({})", job.sourceModelId, merged.id(), target);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			fail(job, "the server stopped during the merge", staging, target);
		}
		catch (ApiProblem ex) {
			fail(job, "the merged checkpoint could not be registered: " + ex.getMessage(), staging, target);
		}
		catch (IOException | RuntimeException ex) {
			fail(job, ex instanceof IllegalStateException ? ex.getMessage() : "writing the merged checkpoint failed: " + ex,
					staging, target);
		}
	}

	private int runProcess(Job job, Path staging) throws IOException, InterruptedException {
		List<String> command = MergeCommand.of(settings, job.adapter, job.base, staging, dtypeName(job.storage));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		job.process = process;
		Thread reader = new Thread(() -> pump(job, process), "model-merge-output-" + process.pid());
		reader.setDaemon(true);
		reader.start();
		try {
			while (!process.waitFor(500, TimeUnit.MILLISECONDS)) {
				job.written(directorySize(staging));
			}
			reader.join(2000);
			return process.exitValue();
		}
		finally {
			process.destroyForcibly();
			job.process = null;
		}
	}

	private static void pump(Job job, Process process) {
		try (BufferedReader in = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line; (line = in.readLine()) != null;) {
				if (line.startsWith("phase: ")) {
					job.phase("RUNNING", line.substring("phase: ".length()).strip());
				}
				else {
					job.output(line);
				}
			}
		}
		catch (IOException ex) {
			// the stream closes when the process dies
		}
	}

	/** A readable reason from the merge process's last lines (its error message, or the disk filling up). */
	private static String failure(int exit, List<String> tail) {
		if (tail.stream().anyMatch((l) -> l.contains("No space left on device"))) {
			return "the disk filled up while the merged checkpoint was written; nothing was kept";
		}
		if (tail.stream().anyMatch((l) -> l.contains("OutOfMemoryError"))) {
			return "the merge process ran out of memory (studio.models.merge.heap / native-memory)";
		}
		String last = tail.stream().filter((l) -> l.startsWith("error: ") || l.contains("Exception"))
			.reduce((a, b) -> b).orElse(tail.isEmpty() ? "" : tail.get(tail.size() - 1));
		return "the merge process failed (exit " + exit + ")" + (last.isBlank() ? "" : ": " + last.strip());
	}

	private void fail(Job job, String reason, Path staging, Path target) {
		deleteTree(staging);
		deleteTree(target);
		job.failed(reason);
		log.warn("merge {} of model {} failed: {}", job.id, job.sourceModelId, reason);
	}

	private static String dtypeName(DType storage) {
		return STORAGE.entrySet().stream().filter((e) -> e.getValue() == storage).findFirst().orElseThrow().getKey();
	}

	private void forgetOldest() {
		List<Long> finished = jobs.values().stream().filter((j) -> !j.active()).map((j) -> j.id).sorted().toList();
		for (int i = 0; i < jobs.size() - REMEMBERED && i < finished.size(); i++) {
			jobs.remove(finished.get(i));
		}
	}

	private void removeStagingLeftovers() {
		if (!Files.isDirectory(modelsDir)) {
			return;
		}
		try (Stream<Path> entries = Files.list(modelsDir)) {
			entries.filter((p) -> p.getFileName().toString().startsWith(STAGING_PREFIX)).forEach(ModelMerges::deleteTree);
		}
		catch (IOException ex) {
			log.warn("cannot list {} for unfinished merges: {}", modelsDir, ex.toString());
		}
	}

	static long directorySize(Path dir) {
		if (!Files.isDirectory(dir)) {
			return 0;
		}
		try (Stream<Path> files = Files.walk(dir)) {
			return files.filter(Files::isRegularFile).mapToLong((f) -> {
				try {
					return Files.size(f);
				}
				catch (IOException ex) {
					return 0; // being replaced right now
				}
			}).sum();
		}
		catch (IOException | UncheckedIOException ex) {
			return 0;
		}
	}

	static void deleteTree(Path dir) {
		if (!Files.exists(dir)) {
			return;
		}
		try (Stream<Path> files = Files.walk(dir)) {
			for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(p);
			}
		}
		catch (IOException | UncheckedIOException ex) {
			log.warn("cannot remove {}: {}", dir, ex.toString());
		}
	}

	@Override
	public void destroy() {
		runner.shutdownNow();
		jobs.values().forEach((j) -> {
			Process process = j.process;
			if (process != null) {
				process.destroyForcibly();
			}
		});
	}

	/** One merge's mutable state; {@link #view} is its snapshot. */
	private static final class Job {

		final long id;

		final CurrentUser owner;

		final long sourceModelId;

		final String name;

		final DType storage;

		final Path adapter;

		final Path base;

		final long expected;

		final Instant requestedAt = Instant.now();

		private final Deque<String> tail = new ArrayDeque<>();

		volatile @Nullable Process process;

		private String state = "QUEUED";

		private String phase = "queued";

		private long written;

		private @Nullable Instant finishedAt;

		private @Nullable Long modelId;

		private @Nullable String error;

		Job(long id, CurrentUser owner, long sourceModelId, String name, DType storage, Path adapter, Path base,
				long expected) {
			this.id = id;
			this.owner = owner;
			this.sourceModelId = sourceModelId;
			this.name = name;
			this.storage = storage;
			this.adapter = adapter;
			this.base = base;
			this.expected = expected;
		}

		synchronized boolean active() {
			return Set.of("QUEUED", "RUNNING").contains(state);
		}

		synchronized void phase(String state, String phase) {
			this.state = state;
			this.phase = phase;
		}

		synchronized void written(long bytes) {
			this.written = bytes;
		}

		synchronized void output(String line) {
			tail.addLast(line);
			while (tail.size() > TAIL_LINES) {
				tail.removeFirst();
			}
		}

		synchronized List<String> tail() {
			return List.copyOf(tail);
		}

		synchronized void succeeded(long modelId, long bytes) {
			this.state = "SUCCEEDED";
			this.phase = "done";
			this.modelId = modelId;
			this.written = bytes;
			this.finishedAt = Instant.now();
		}

		synchronized void failed(String reason) {
			this.state = "FAILED";
			this.phase = "failed";
			this.error = reason;
			this.written = 0;
			this.finishedAt = Instant.now();
		}

		synchronized ModelMerge view() {
			return new ModelMerge(id, sourceModelId, name, dtypeName(storage), state, phase, written, expected,
					requestedAt, finishedAt, modelId, error);
		}

	}

}
