package dev.vlmr1.studio.model;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DjlEngineTests {

	@Test
	void libtorchLoadsOfflineFromTheCpuNativeJar() {
		try (NDManager manager = NDManager.newBaseManager()) {
			var product = manager.create(new float[] { 1, 2, 3, 4 }, new ai.djl.ndarray.types.Shape(2, 2))
				.matMul(manager.eye(2));
			assertThat(product.toFloatArray()).containsExactly(1, 2, 3, 4);
			assertThat(manager.getEngine().getEngineName()).isEqualTo("PyTorch");
		}
	}

}
