package dev.vlmr1.studio.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.web.CurrentUser;
import dev.vlmr1.studio.web.StudioProperties;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The run page in headless Chromium, for a run driven through {@link RunManagement} as a worker would: a chart per
 * metric, a gallery card whose canvas holds the image with the predicted (red) and ground-truth (green) boxes, the
 * completion shown as text, and the checkpoint's "open in demo" link; then a new step, a new metric, a new sample and
 * a new checkpoint arrive over the event stream while the page is open, and the end of the run shows in the attempt
 * history. A screenshot lands in
 * {@code target/run-page.png}.
 */
@Slow
public class RunPageBrowserTests extends RunTestSupport {

	public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	static final String COMPLETION = "<think>the circle is left</think><answer><b>[10, 10, 60, 80]</b></answer>";

	@Autowired
	StudioProperties studio;

	@Test
	@SuppressWarnings("unchecked")
	void chartsGalleryAndCheckpointsShowAndFollowTheRun() throws Exception {
		assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), "Chromium is not installed");
		CurrentUser alice = newUser(false);
		drainQueue();
		RunId id = queuedRun(alice);
		UUID lease = runs.claimNext("browser-worker").orElseThrow().leaseToken();
		runs.recordTotalSteps(id, lease, 10);
		for (int step = 1; step <= 3; step++) {
			runs.recordMetrics(id, lease, step, metrics(step));
		}
		String sha = storeImage(Files.readAllBytes(RunRolloutTests.IMAGE));
		runs.recordRollouts(id, lease, 3, List.of(new RolloutSampleRecord("Where is the circle?", List.of(sha), COMPLETION,
				Map.of("format", 1.0, "iou", 0.1), 1.1, 0.75, List.of(RolloutBox.of(80, 15, 140, 85)),
				List.of(RolloutBox.of(10, 10, 60, 80)))));
		Path checkpoint = RunCheckpointRegistrationTests
			.copyCheckpoint(RunCheckpointRegistrationTests.runDirectory(studio, id).resolve("step-3"));
		runs.recordCheckpoint(id, lease, 3, checkpoint.toString());
		Long modelId = checkpointModel(id, 3);
		assertThat(modelId).isNotNull();

		WebDriver browser = chromium();
		try {
			String base = "http://localhost:" + port;
			logIn(browser, base, testUser(alice));
			browser.get(base + "/runs/" + id.value());
			WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
			// live updates replace elements between a wait's lookup and its read: look again instead of failing
			wait.ignoring(StaleElementReferenceException.class);
			JavascriptExecutor js = (JavascriptExecutor) browser;

			// a chart (canvas) per metric, in its section
			wait.until(d -> d.findElements(By.cssSelector("[data-metric] canvas")).size() == metrics(1).size());
			for (String name : metrics(1).keySet()) {
				assertThat(browser.findElements(By.cssSelector("[data-metric=\"" + name + "\"] canvas"))).as(name).hasSize(1);
			}
			assertThat(browser.findElements(By.cssSelector("section[data-group=\"rewards\"] [data-metric=\"rewards/iou/mean\"]")))
				.hasSize(1);
			assertThat(browser.findElements(By.cssSelector("section[data-group=\"reward\"] [data-metric=\"frac_reward_zero_std\"]")))
				.hasSize(1);
			wait.until(ExpectedConditions.textToBe(By.id("run-step"), "step 3 / 10"));
			assertThat(browser.findElement(By.id("run-progress")).getAttribute("value")).isEqualTo("3");
			assertThat(browser.findElement(By.id("run-eta")).getText()).contains("ETA");

			// the gallery card: image with both boxes, completion as text, rewards and advantage
			wait.until(ExpectedConditions.attributeToBe(By.cssSelector(".rollout canvas"), "data-drawn", "boxes"));
			// a live update may replace the card right after it was drawn: wait until the canvas on screen is painted
			wait.until(d -> List.of(0L, 200L, 83L).equals(js.executeScript(pixel(), 10, 45)));
			assertThat(browser.findElement(By.cssSelector(".rollout canvas")).getAttribute("width")).isEqualTo("150");
			List<Object> truth = (List<Object>) js.executeScript(pixel(), 10, 45);
			List<Object> predicted = (List<Object>) js.executeScript(pixel(), 80, 50);
			assertThat(truth).as("green ground-truth edge").containsExactly(0L, 200L, 83L);
			assertThat(predicted).as("red predicted edge").containsExactly(229L, 57L, 53L);
			assertThat(browser.findElement(By.cssSelector(".rollout pre.completion")).getAttribute("textContent"))
				.isEqualTo(COMPLETION);
			assertThat(browser.findElements(By.cssSelector(".rollout pre.completion b"))).as("no markup rendered").isEmpty();
			String scores = browser.findElement(By.cssSelector(".rollout .scores")).getText();
			assertThat(scores).contains("format", "1.000", "iou", "0.100", "advantage", "0.750");

			// "open in demo" opens the checkpoint's catalog model
			assertThat(browser.findElement(By.cssSelector("#checkpoints tr[data-step=\"3\"] a.open-demo")).getAttribute("href"))
				.isEqualTo(base + "/demo/rec?modelId=" + modelId);

			// live: a new step, a new metric, a new sample and a new checkpoint
			Map<String, Double> step4 = new LinkedHashMap<>(metrics(4));
			step4.put("time/rollout", 2.5);
			runs.recordMetrics(id, lease, 4, step4);
			runs.recordRollouts(id, lease, 4, List.of(new RolloutSampleRecord("Where is the square?", List.of(sha),
					"<answer>step four</answer>", Map.of("iou", 0.5), 0.5, -0.25, List.of(), List.of(RolloutBox.of(1, 1, 20, 20)))));
			Path next = RunCheckpointRegistrationTests
				.copyCheckpoint(RunCheckpointRegistrationTests.runDirectory(studio, id).resolve("step-4"));
			runs.recordCheckpoint(id, lease, 4, next.toString());
			wait.until(ExpectedConditions.textToBe(By.id("run-step"), "step 4 / 10"));
			wait.until(ExpectedConditions.attributeToBe(By.id("gallery"), "data-step", "4"));
			wait.until(ExpectedConditions.attributeToBe(By.cssSelector(".rollout canvas"), "data-drawn", "boxes"));
			assertThat(browser.findElement(By.cssSelector(".rollout pre.completion")).getAttribute("textContent"))
				.isEqualTo("<answer>step four</answer>");
			assertThat(browser.findElements(By.cssSelector("#rollout-step option[value=\"3\"]"))).hasSize(1);
			wait.until(d -> !d.findElements(By.cssSelector("section[data-group=\"time\"] [data-metric=\"time/rollout\"] canvas"))
				.isEmpty());
			wait.until(d -> !d.findElements(By.cssSelector("#checkpoints tr[data-step=\"4\"] a.open-demo")).isEmpty());
			assertThat(browser.findElement(By.cssSelector("#checkpoints tr[data-step=\"4\"] a.open-demo")).getAttribute("href"))
				.isEqualTo(base + "/demo/rec?modelId=" + checkpointModel(id, 4));

			Files.write(Path.of("target/run-page.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));

			// an earlier step stays reachable
			new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("rollout-step"))).selectByValue("3");
			wait.until(ExpectedConditions.attributeToBe(By.id("gallery"), "data-step", "3"));

			// the end of the run closes the attempt in the history, live
			assertThat(browser.findElement(By.cssSelector("#attempts tbody tr")).getText()).contains("browser-worker", "running");
			runs.finish(id, lease, RunState.SUCCEEDED, null);
			wait.until(ExpectedConditions.textToBe(By.id("run-state"), "SUCCEEDED"));
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#attempts tr[data-attempt=\"1\"]"),
					"SUCCEEDED"));
			assertThat(browser.findElement(By.id("run-eta")).getText()).isEmpty();
		}
		finally {
			browser.quit();
		}
	}

	private static Map<String, Double> metrics(int step) {
		Map<String, Double> m = new LinkedHashMap<>();
		m.put("reward", 0.2 * step);
		m.put("reward_std", 0.1);
		m.put("rewards/iou/mean", 0.1 * step);
		m.put("rewards/format/mean", 0.3 + 0.1 * step);
		m.put("kl", 0.01 * step);
		m.put("loss", 1.0 / step);
		m.put("completions/mean_length", 40.0 + step);
		m.put("learning_rate", 1e-6);
		m.put("clip_ratio/region_mean", 0.0);
		m.put("frac_reward_zero_std", 0.25);
		return m;
	}

	/** JS returning the {@code [r, g, b]} of the gallery canvas at (x, y). */
	private static String pixel() {
		return """
				const c = document.querySelector('.rollout canvas');
				const d = c.getContext('2d').getImageData(arguments[0], arguments[1], 1, 1).data;
				return [d[0], d[1], d[2]];""";
	}

	private String storeImage(byte[] png) throws Exception {
		String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(png));
		Path file = studio.artifactsDir().resolve("images").resolve(sha.substring(0, 2)).resolve(sha.substring(2));
		Files.createDirectories(file.getParent());
		Files.write(file, png);
		return sha;
	}

	private Long checkpointModel(RunId id, int step) {
		return jdbc.sql("SELECT model_id FROM checkpoints WHERE run_id = ? AND step = ?")
			.params(id.value(), step)
			.query(Long.class)
			.single();
	}

	public static void logIn(WebDriver browser, String base, TestUser user) {
		browser.get(base + "/login");
		browser.findElement(By.name("username")).sendKeys(user.user().username());
		browser.findElement(By.name("password")).sendKeys(user.password());
		browser.findElement(By.cssSelector("form button[type=submit]")).click();
		new WebDriverWait(browser, Duration.ofSeconds(30))
			.until(ExpectedConditions.not(ExpectedConditions.urlContains("/login")));
	}

	public static WebDriver chromium() {
		System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--window-size=1280,1600");
		return new ChromeDriver(options);
	}

}
