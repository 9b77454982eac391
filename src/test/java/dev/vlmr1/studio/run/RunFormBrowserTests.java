package dev.vlmr1.studio.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.web.CurrentUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The new-run form's memory plan in headless Chromium: picking a model shows the estimate against a worker's
 * 64 GiB, typing a batch too large for it turns the estimate into "does not fit" with the change that fits, an
 * invalid value says what to fix, and queueing the oversized run is refused on the page. The plan stays in view at
 * the bottom of the window while the user types in the long form above it. A screenshot lands in
 * {@code target/run-form-plan.png}.
 */
@Slow
class RunFormBrowserTests extends RunTestSupport {

	@Test
	void theEstimateFollowsWhatTheUserTypes() throws Exception {
		assumeTrue(Files.isExecutable(RunPageBrowserTests.CHROMIUM) && Files.isExecutable(RunPageBrowserTests.CHROMEDRIVER),
				"Chromium is not installed");
		CurrentUser alice = newUser(false);
		String modelName = "tiny-" + UUID.randomUUID();
		long model = jdbc.sql("INSERT INTO models (owner_id, name, path, model_type) VALUES (?, ?, ?, 'qwen2_5_vl') RETURNING id")
			.params(alice.id(), modelName, RunMemoryPlanTests.TINY.toString())
			.query(Long.class)
			.single();
		long dataset = newDataset(alice);
		long config = newRewardConfig(alice);

		WebDriver browser = RunPageBrowserTests.chromium();
		try {
			String base = "http://localhost:" + port;
			RunPageBrowserTests.logIn(browser, base, testUser(alice));
			browser.get(base + "/runs/new");
			WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
			wait.until((d) -> summary(d).contains("No estimate yet") && summary(d).contains("modelId"));

			new Select(browser.findElement(By.id("modelId"))).selectByValue(Long.toString(model));
			wait.until((d) -> summary(d).startsWith("Fits: needs about"));
			assertThat(summary(browser)).endsWith("a worker has 64 GiB");
			browser.findElement(By.cssSelector("#memory-plan details summary")).click();
			assertThat(browser.findElement(By.id("memory-plan-parts")).getText()).contains("weights", "reference",
					"gradients", "optimizer", "activations");

			WebElement batch = browser.findElement(By.id("hp-per_device_train_batch_size"));
			((org.openqa.selenium.JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()", batch);
			type(browser, "hp-per_device_train_batch_size", "512");
			type(browser, "hp-gradient_accumulation_steps", "1");
			wait.until((d) -> summary(d).startsWith("Does not fit: needs about"));
			assertThat(summary(browser)).matches(
					"Does not fit: needs about \\d+ GiB; a worker has 64 GiB; with per_device_train_batch_size=\\d+ about \\d+ GiB");
			assertThat(browser.findElement(By.id("memory-plan")).getDomAttribute("data-state")).isEqualTo("too-big");

			type(browser, "hp-max_completion_length", "lots");
			wait.until((d) -> summary(d).contains("hyperparameters.max_completion_length"));
			type(browser, "hp-max_completion_length", "256");
			wait.until((d) -> summary(d).startsWith("Does not fit"));
			assertThat(browser.findElement(By.id("memory-plan-summary")).isDisplayed()).isTrue();
			((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).renameTo(Path.of("target/run-form-plan.png").toFile());

			type(browser, "datasetIds", Long.toString(dataset));
			new Select(browser.findElement(By.id("rewardConfigId"))).selectByValue(Long.toString(config));
			browser.findElement(By.cssSelector("form#run-form button[type=submit]")).click();
			wait.until((d) -> d.findElement(By.cssSelector(".problem[role=alert]")).getText().contains("a worker has 64 GiB"));
			assertThat(jdbc.sql("SELECT count(*) FROM runs WHERE owner_id = ?").param(alice.id()).query(Long.class).single())
				.isZero();
		}
		finally {
			browser.quit();
		}
	}

	private static String summary(WebDriver browser) {
		return browser.findElement(By.id("memory-plan-summary")).getText();
	}

	private static void type(WebDriver browser, String id, String text) {
		WebElement input = browser.findElement(By.id(id));
		input.clear();
		input.sendKeys(text);
	}

}
