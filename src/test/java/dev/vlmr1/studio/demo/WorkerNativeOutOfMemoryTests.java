package dev.vlmr1.studio.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.util.unit.DataSize;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.demo.worker.WorkerRequest;
import dev.vlmr1.studio.demo.worker.WorkerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker's last line of defence: a request that slips past its memory estimate (here the estimate is switched
 * off by overriding the worker's limits, and the checkpoint claims 200,000 positions) fails its own allocation
 * under the worker's address-space limit, is answered as too large, and the same worker serves the next request.
 * Without the limit this 48 KB prompt grew the worker to 17 GB until the kernel killed it.
 */
@EnabledOnOs(OS.LINUX)
@Slow
class WorkerNativeOutOfMemoryTests {

	@TempDir
	Path temp;

	@Test
	void anAllocationPastTheBudgetIsACleanErrorAndTheWorkerLivesOn() throws Exception {
		Path dir = DemoHttp.copyTinyCheckpoint(temp.resolve("tiny"));
		Path config = dir.resolve("config.json");
		Files.writeString(config, Files.readString(config)
			.replace("\"max_position_embeddings\": 4096", "\"max_position_embeddings\": 200000"));
		// the web tier's limits, then overrides that switch the worker's own checks off (later -D wins)
		DemoProperties properties = new DemoProperties(1, 4, "512m", 0,
				"-Dstudio.demo.max-prompt-tokens=100000000 -Dstudio.demo.worker-native-memory=1000000000000000",
				Duration.ofMinutes(2), Duration.ofMinutes(5), DataSize.ofMegabytes(20), 50_000_000, 16, 2048, 8192,
				262144, 8, 100_000_000, 256, DataSize.ofMegabytes(64), DataSize.ofMegabytes(1536),
				DataSize.ofGigabytes(4), "auto");
		List<String> command = WorkerLaunchCommand.of(properties, System.getProperty("java.class.path"));
		assertThat(command.get(0)).isEqualTo("/bin/sh");
		try (WorkerProcess worker = WorkerProcess.start(command, Duration.ofMinutes(2))) {
			String attack = "attack ".repeat(48 * 1024 / 7);
			WorkerResponse refused = WorkerProcess.await(worker.send(chat(dir, attack)), Duration.ofMinutes(3));
			assertThat(refused.ok()).as(String.valueOf(refused.error())).isFalse();
			assertThat(refused.errorKind()).as(String.valueOf(refused.error())).isEqualTo(WorkerResponse.TOO_LARGE);
			assertThat(refused.limit()).isEqualTo("worker-native-memory");
			assertThat(worker.alive()).isTrue();

			WorkerResponse next = WorkerProcess.await(worker.send(chat(dir, "hi")), Duration.ofMinutes(3));
			assertThat(next.ok()).as(String.valueOf(next.error())).isTrue();
			assertThat(next.result().workerPid()).isEqualTo(worker.pid());
		}
	}

	private static WorkerRequest chat(Path dir, String text) {
		return WorkerRequest.chat(dir.toString(), List.of(new WorkerRequest.ChatTurn("user", text, 0)), List.of(), 4, 0,
				1);
	}

}
