package dev.vlmr1.studio.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.web.StudioProperties;
import dev.vlmr1.studio.web.TestModels;
import dev.vlmr1.studio.web.TestUsers;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The REC demo page in headless Chromium against the real server and inference worker: log in, pick the model,
 * upload an image, type an expression, submit; the answer appears and the canvas holds the image drawn at its
 * natural size (a screenshot lands in {@code target/rec-demo-page.png}). Submitting without an image shows a readable
 * error instead of calling the server. The OVD page with a sample picture and a preselected model.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@Slow
class RecDemoPageBrowserTests {

	static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	@Autowired
	StudioProperties studio;

	@Test
	void logInPickTheModelUploadAnImageAndSeeTheAnswerDrawn() throws Exception {
		assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), "Chromium is not installed");
		TestUser alice = new TestUsers(context).create("alice");
		Path dir = DemoHttp.copyTinyCheckpoint(
				TestModels.importRoot(context).resolve("browser-models-" + UUID.randomUUID()).resolve("tiny"));
		long model = new DemoHttp(port).register(alice.bearer(), "tiny-browser", dir);
		Path image = DemoHttp.FIXTURES.resolve("images/h_150x95.png").toAbsolutePath();

		WebDriver browser = chromium();
		try {
			String base = "http://localhost:" + port;
			logIn(browser, base, alice);
			WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));

			browser.get(base + "/demo/rec");
			new Select(browser.findElement(By.id("model"))).selectByValue(Long.toString(model));
			WebElement run = browser.findElement(By.id("run"));
			run.click();
			WebElement error = browser.findElement(By.id("error"));
			wait.until(ExpectedConditions.visibilityOf(error));
			assertThat(error.getText()).contains("Choose an image");

			browser.findElement(By.id("image")).sendKeys(image.toString());
			wait.until(ExpectedConditions.attributeToBe(By.id("canvas"), "data-drawn", "image"));
			browser.findElement(By.id("expression")).sendKeys("the red circle");
			WebElement maxTokens = browser.findElement(By.id("max-new-tokens"));
			((JavascriptExecutor) browser).executeScript("arguments[0].value = '12'", maxTokens);
			run.click();

			new WebDriverWait(browser, Duration.ofMinutes(2))
				.until(ExpectedConditions.attributeToBe(By.id("canvas"), "data-drawn", "result"));
			assertThat(error.isDisplayed()).isFalse();
			assertThat(browser.findElement(By.id("completion")).getAttribute("textContent")).isNotEmpty();
			assertThat(browser.findElement(By.id("thinking")).getText()).isNotEmpty();
			assertThat(browser.findElement(By.id("answer")).getText()).isNotEmpty();
			assertThat(browser.findElement(By.id("box-summary")).getText()).isNotEmpty();
			assertThat(browser.findElement(By.id("timing")).getText()).contains("tokens generated");
			WebElement canvas = browser.findElement(By.id("canvas"));
			assertThat(canvas.getAttribute("width")).isEqualTo("150");
			assertThat(canvas.getAttribute("height")).isEqualTo("95");
			// the image was painted: the canvas is not uniformly transparent
			Object painted = ((JavascriptExecutor) browser).executeScript("""
					const c = document.getElementById('canvas');
					const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
					let opaque = 0;
					for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) opaque++; }
					return opaque;""");
			assertThat(((Number) painted).longValue()).isEqualTo(150L * 95);
			Files.write(Path.of("target/rec-demo-page.png"),
					((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
		}
		finally {
			browser.quit();
		}
	}

	@Test
	void theOvdPageDrawsTheAnswerForAPickedSampleImage() throws Exception {
		assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), "Chromium is not installed");
		TestUser bob = new TestUsers(context).create("bob");
		Path dir = DemoHttp.copyTinyCheckpoint(
				TestModels.importRoot(context).resolve("browser-models-" + UUID.randomUUID()).resolve("tiny"));
		long model = new DemoHttp(port).register(bob.bearer(), "tiny-ovd-browser", dir);
		WebDriver browser = chromium();
		try {
			String base = "http://localhost:" + port;
			logIn(browser, base, bob);
			// "open in demo" links preselect the model
			browser.get(base + "/demo/ovd?modelId=" + model);
			assertThat(new Select(browser.findElement(By.id("model"))).getFirstSelectedOption().getAttribute("value"))
				.isEqualTo(Long.toString(model));
			browser.findElement(By.cssSelector("button.sample")).click();
			WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
			wait.until(ExpectedConditions.attributeToBe(By.id("canvas"), "data-drawn", "image"));
			assertThat(browser.findElement(By.id("labels")).getAttribute("value")).isEqualTo("circle, square");
			((JavascriptExecutor) browser).executeScript("arguments[0].value = '8'",
					browser.findElement(By.id("max-new-tokens")));
			browser.findElement(By.id("run")).click();
			new WebDriverWait(browser, Duration.ofMinutes(2))
				.until(ExpectedConditions.attributeToBe(By.id("canvas"), "data-drawn", "result"));
			assertThat(browser.findElement(By.id("error")).isDisplayed()).isFalse();
			assertThat(browser.findElement(By.id("box-summary")).getText()).isNotEmpty();
			assertThat(browser.findElement(By.id("canvas")).getAttribute("width")).isEqualTo("320");
		}
		finally {
			browser.quit();
		}
	}

	private static void logIn(WebDriver browser, String base, TestUser user) {
		browser.get(base + "/login");
		browser.findElement(By.name("username")).sendKeys(user.user().username());
		browser.findElement(By.name("password")).sendKeys(user.password());
		browser.findElement(By.cssSelector("form button[type=submit]")).click();
		new WebDriverWait(browser, Duration.ofSeconds(30))
			.until(ExpectedConditions.not(ExpectedConditions.urlContains("/login")));
	}

	private static WebDriver chromium() {
		System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--window-size=1280,1400");
		return new ChromeDriver(options);
	}

}
