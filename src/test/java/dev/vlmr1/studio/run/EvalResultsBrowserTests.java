package dev.vlmr1.studio.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.web.CurrentUser;
import dev.vlmr1.studio.web.StudioProperties;

import static dev.vlmr1.studio.run.RunPageBrowserTests.CHROMEDRIVER;
import static dev.vlmr1.studio.run.RunPageBrowserTests.CHROMIUM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The run page's evaluation section in headless Chromium: per-sample results recorded as a worker would, each row
 * drawing the sample's image with the predicted (red) and ground-truth (green) boxes and the prediction as text;
 * the "wrong only" filter; a later evaluation arriving live over the event stream; and an alarm event shown above
 * the run.
 */
@Slow
class EvalResultsBrowserTests extends RunTestSupport {

	static final String PREDICTION = "<think>left</think><answer><b>[80, 15, 140, 85]</b></answer>";

	@Autowired
	StudioProperties studio;

	@Test
	@SuppressWarnings("unchecked")
	void resultsShowBothBoxesFollowNewEvaluationsAndTheAlarm() throws Exception {
		assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), "Chromium is not installed");
		CurrentUser alice = newUser(false);
		drainQueue();
		RunId id = queuedRun(alice);
		UUID lease = runs.claimNext("browser-worker").orElseThrow().leaseToken();
		String sha = storeImage(Files.readAllBytes(RunRolloutTests.IMAGE));
		runs.recordEvalResults(id, lease, 2, List.of(
				new EvalResultRecord("s-0", "rec", PREDICTION, sha, List.of(RolloutBox.of(80, 15, 140, 85)),
						List.of(RolloutBox.of(10, 10, 60, 80)), 0.0, false),
				new EvalResultRecord("s-1", "rec", "<answer>[10, 10, 60, 80]</answer>", sha,
						List.of(RolloutBox.of(10, 10, 60, 80)), List.of(RolloutBox.of(10, 10, 60, 80)), 1.0, true)));
		runs.recordMetrics(id, lease, 2, Map.of("reward", 0.5, "eval/rec_accuracy", 0.5));

		WebDriver browser = RunPageBrowserTests.chromium();
		try {
			String base = "http://localhost:" + port;
			RunPageBrowserTests.logIn(browser, base, testUser(alice));
			browser.get(base + "/runs/" + id.value());
			WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
			// live updates replace elements between a wait's lookup and its read: look again instead of failing
			wait.ignoring(StaleElementReferenceException.class);
			JavascriptExecutor js = (JavascriptExecutor) browser;

			wait.until(d -> d.findElements(By.cssSelector("#eval-results tbody tr")).size() == 2);
			wait.until(ExpectedConditions.attributeToBe(By.cssSelector("#eval-results tr[data-idx=\"0\"] canvas"),
					"data-drawn", "boxes"));
			List<Object> truth = (List<Object>) js.executeScript(pixel(), 10, 45);
			List<Object> predicted = (List<Object>) js.executeScript(pixel(), 80, 50);
			assertThat(truth).as("green ground-truth edge").containsExactly(0L, 200L, 83L);
			assertThat(predicted).as("red predicted edge").containsExactly(229L, 57L, 53L);
			assertThat(browser.findElement(By.cssSelector("#eval-results tr[data-idx=\"0\"] pre")).getAttribute("textContent"))
				.isEqualTo(PREDICTION);
			assertThat(browser.findElements(By.cssSelector("#eval-results pre b"))).as("no markup rendered").isEmpty();
			assertThat(browser.findElement(By.id("eval-info")).getText()).contains("step 2", "2 results");

			new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("eval-filter"))).selectByValue("false");
			wait.until(d -> d.findElements(By.cssSelector("#eval-results tbody tr")).size() == 1);
			assertThat(browser.findElement(By.cssSelector("#eval-results tbody tr")).getAttribute("data-idx")).isEqualTo("0");
			new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("eval-filter"))).selectByValue("all");

			// a later evaluation and the alarm arrive live
			runs.recordEvalResults(id, lease, 4, List.of(new EvalResultRecord("s-9", "rec", "<answer>none</answer>", sha,
					List.of(), List.of(RolloutBox.of(10, 10, 60, 80)), 0.0, false)));
			runs.recordMetrics(id, lease, 4, Map.of("reward", 0.9, "eval/rec_accuracy", 0.0));
			runs.recordAlarm(id, lease, 4, RunAlarm.rewardHacking("training reward rose by 0.4 while the held-out metric fell by 0.5"));
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("eval-info"), "step 4"));
			assertThat(browser.findElements(By.cssSelector("#eval-results tbody tr"))).hasSize(1);
			assertThat(browser.findElements(By.cssSelector("#eval-step option[value=\"2\"]"))).hasSize(1);
			wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#run-alarms .alarm")));
			assertThat(browser.findElement(By.id("run-alarms")).getText()).contains("step 4", "held-out metric fell");
			Files.write(Path.of("target/run-page-eval.png"),
					((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
		}
		finally {
			browser.quit();
		}
	}

	/** JS returning the {@code [r, g, b]} of the first result's canvas at (x, y). */
	private static String pixel() {
		return """
				const c = document.querySelector('#eval-results tr[data-idx="0"] canvas');
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

}
