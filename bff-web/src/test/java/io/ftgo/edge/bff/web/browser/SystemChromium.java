package io.ftgo.edge.bff.web.browser;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The system's Chromium and chromedriver (Debian: {@code apt-get install chromium
 * chromium-driver}), found on the PATH or named by {@code CHROME_BIN} and
 * {@code CHROMEDRIVER}. Nothing is downloaded: the driver executable and the browser
 * binary are given to Selenium explicitly, so Selenium Manager never runs. When either is
 * missing the browser tests are skipped loudly: an assumption with the reason, and a
 * banner on standard error.
 */
final class SystemChromium {

	static final String HOW_TO_RUN = "apt-get install chromium chromium-driver (or set CHROME_BIN and CHROMEDRIVER),"
			+ " then ./mvnw -B -pl bff-web -am verify -Dtest='WebClientBrowserTests'"
			+ " -Dsurefire.failIfNoSpecifiedTests=false";

	private static volatile boolean warned;

	private SystemChromium() {
	}

	/**
	 * Skips the calling test, loudly, when the browser or its driver is missing.
	 */
	static void assumeAvailable() {
		Path browser = browser();
		Path driver = driver();
		if (browser == null || driver == null) {
			String message = "SKIPPED real-browser tests: " + ((browser == null) ? "chromium" : "")
					+ ((browser == null && driver == null) ? " and " : "") + ((driver == null) ? "chromedriver" : "")
					+ " not found on the PATH. To run them: " + HOW_TO_RUN;
			if (!warned) {
				warned = true;
				System.err.println("\n" + "*".repeat(100) + "\n* " + message + "\n" + "*".repeat(100) + "\n");
			}
			assumeTrue(false, message);
		}
	}

	/** A headless Chromium, with a fresh profile, driven through the system driver. */
	static ChromeDriver start() {
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver().toFile())
			.usingAnyFreePort()
			.withTimeout(Duration.ofSeconds(60))
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(browser().toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
				"--window-size=1100,900", "--no-first-run", "--no-default-browser-check",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--password-store=basic");
		options.setExperimentalOption("prefs", Map.of("credentials_enable_service", false));
		ChromeDriver driver = new ChromeDriver(service, options);
		driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
		driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
		return driver;
	}

	private static Path browser() {
		return find("CHROME_BIN", List.of("chromium", "chromium-browser", "google-chrome"));
	}

	private static Path driver() {
		return find("CHROMEDRIVER", List.of("chromedriver"));
	}

	private static Path find(String variable, List<String> names) {
		String configured = System.getenv(variable);
		if (configured != null && Files.isExecutable(Path.of(configured))) {
			return Path.of(configured);
		}
		String path = System.getenv("PATH");
		if (path == null) {
			return null;
		}
		for (String directory : path.split(File.pathSeparator)) {
			for (String name : names) {
				Path candidate = Path.of(directory, name);
				if (Files.isExecutable(candidate)) {
					return candidate;
				}
			}
		}
		return null;
	}

}
