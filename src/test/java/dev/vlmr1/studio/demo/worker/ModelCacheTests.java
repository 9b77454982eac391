package dev.vlmr1.studio.demo.worker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The worker's model cache with the real tiny checkpoint: LRU order, eviction closes the model, the bound holds. */
class ModelCacheTests {

	static final Path TINY = Path.of("src/test/resources/fixtures/qwen2_5_vl_tiny");

	@TempDir
	Path temp;

	@Test
	void keepsTheMostRecentlyUsedModelsAndClosesTheEvictedOne() throws Exception {
		Path a = copy("a");
		Path b = copy("b");
		Path c = copy("c");
		List<Path> loads = new ArrayList<>();
		try (ModelCache cache = new ModelCache(2, (dir) -> {
			loads.add(dir);
			return LoadedModel.load(dir);
		})) {
			ModelCache.Lookup first = cache.get(a);
			assertThat(first.hit()).isFalse();
			assertThat(cache.get(b).hit()).isFalse();
			assertThat(cache.get(a).hit()).isTrue();
			assertThat(cache.keys()).containsExactly(b.toString(), a.toString());

			ModelCache.Lookup evictedLater = cache.get(b);
			assertThat(cache.get(a).model()).isSameAs(first.model());
			// b is now the least recently used: c takes its place and b's native memory is released
			assertThat(cache.get(c).hit()).isFalse();
			assertThat(cache.keys()).containsExactly(a.toString(), c.toString());
			assertThat(evictedLater.model().model().manager().isOpen()).isFalse();
			assertThat(first.model().model().manager().isOpen()).isTrue();
			assertThat(loads).containsExactly(a, b, c);
		}
	}

	@Test
	void aCheckpointThatCannotLoadLeavesTheCacheUnchanged() throws Exception {
		Path broken = Files.createDirectories(temp.resolve("broken"));
		Files.copy(TINY.resolve("tokenizer.json"), broken.resolve("tokenizer.json"));
		try (ModelCache cache = new ModelCache(1, LoadedModel::load)) {
			assertThatThrownBy(() -> cache.get(broken)).isInstanceOf(RuntimeException.class);
			assertThat(cache.keys()).isEmpty();
			assertThatThrownBy(() -> cache.get(temp.resolve("missing"))).hasMessageContaining("tokenizer.json");
		}
		assertThatThrownBy(() -> new ModelCache(0, LoadedModel::load)).isInstanceOf(IllegalArgumentException.class);
	}

	private Path copy(String name) throws Exception {
		Path dir = Files.createDirectories(temp.resolve(name));
		for (String file : new String[] { "config.json", "model.safetensors", "tokenizer.json",
				"preprocessor_config.json" }) {
			Files.copy(TINY.resolve(file), dir.resolve(file));
		}
		return dir;
	}

}
