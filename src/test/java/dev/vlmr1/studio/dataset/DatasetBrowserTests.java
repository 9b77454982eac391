package dev.vlmr1.studio.dataset;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.vlmr1.studio.Slow;
import dev.vlmr1.studio.web.TestUsers;
import dev.vlmr1.studio.web.TestUsers.TestUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The one browser test: log in through the login form, upload a small dataset through the upload page, and see
 * the gallery draw its ground-truth boxes on canvas, with a prompt holding HTML shown as text (T3.9). Needs
 * Debian's chromium and chromedriver; skipped (with the reason) only when {@code /usr/bin/chromium} is absent.
 */
@Tag("browser")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Slow
class DatasetBrowserTests {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	@TempDir
	Path files;

	private WebDriver driver;

	@BeforeEach
	void startBrowser() {
		assumeTrue(Files.isExecutable(CHROMIUM), "/usr/bin/chromium is absent (apt-get install chromium chromium-driver)");
		System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toString());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run");
		driver = new ChromeDriver(options);
	}

	@AfterEach
	void stopBrowser() {
		if (driver != null) {
			driver.quit();
		}
	}

	@Test
	void uploadsThroughThePageAndSeesBoxesDrawnOnTheGallery() throws Exception {
		TestUser user = new TestUsers(context).create("browser");
		Path jsonl = files.resolve("small.jsonl");
		Files.writeString(jsonl, String.join("\n",
				DatasetTestSupport.rec(1, "a.png", "[10, 12, 50, 40]"),
				"{\"id\": 2, \"image\": \"b.png\", \"conversations\": [{\"from\": \"human\", \"value\": \"<image>Detect cat, dog\"}, "
						+ "{\"from\": \"gpt\", \"value\": \"[{\\\"bbox_2d\\\": [2, 3, 30, 40], \\\"label\\\": \\\"cat\\\"}, "
						+ "{\\\"bbox_2d\\\": [35, 10, 70, 60], \\\"label\\\": \\\"dog\\\"}]\"}]}",
				DatasetTestSupport.textOnly(3, "<img src=x onerror=window.__xss=1>", "ok")) + "\n",
				StandardCharsets.UTF_8);
		Path a = Files.write(files.resolve("a.png"), DatasetTestSupport.png(64, 48));
		Path b = Files.write(files.resolve("b.png"), DatasetTestSupport.png(80, 64));
		String base = "http://localhost:" + port;
		WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));

		driver.get(base + "/login");
		driver.findElement(By.name("username")).sendKeys(user.user().username());
		driver.findElement(By.name("password")).sendKeys(user.password());
		driver.findElement(By.cssSelector("form button[type=submit]")).click();
		wait.until((d) -> !d.getCurrentUrl().contains("/login"));

		driver.get(base + "/datasets/new");
		driver.findElement(By.id("name")).sendKeys("browser-upload");
		WebElement group = driver.findElement(By.cssSelector("fieldset.jsonl-group"));
		group.findElement(By.cssSelector("input.jsonl")).sendKeys(jsonl.toString());
		group.findElement(By.cssSelector("input.images")).sendKeys(a + "\n" + b);
		driver.findElement(By.id("submit")).click();
		wait.until((d) -> d.getCurrentUrl().matches(".*/datasets/\\d+$"));

		WebElement gallery = driver.findElement(By.id("gallery"));
		wait.until((d) -> "ready".equals(gallery.getDomAttribute("data-state")));
		assertThat(gallery.getDomAttribute("data-boxes-drawn")).isEqualTo("3");
		List<WebElement> canvases = gallery.findElements(By.tagName("canvas"));
		assertThat(canvases).hasSize(2);
		// the REC box's left edge (x = 10) is drawn in the REC colour #00c853 over the image
		Object pixel = ((JavascriptExecutor) driver).executeScript(
				"const c = document.querySelectorAll('#gallery canvas')[0];"
						+ "return Array.from(c.getContext('2d').getImageData(10, 26, 1, 1).data);");
		assertThat((List<?>) pixel).extracting((v) -> ((Number) v).intValue()).containsExactly(0, 200, 83, 255);
		// the HTML in a prompt is text: no element was created and its handler never ran
		assertThat(gallery.findElements(By.tagName("img"))).isEmpty();
		assertThat(gallery.getText()).contains("<img src=x onerror=window.__xss=1>");
		assertThat(((JavascriptExecutor) driver).executeScript("return window.__xss === undefined")).isEqualTo(true);
		assertThat(driver.findElement(By.tagName("h1")).getText()).contains("browser-upload");
	}

}
