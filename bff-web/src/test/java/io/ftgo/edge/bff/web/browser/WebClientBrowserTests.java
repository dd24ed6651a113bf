package io.ftgo.edge.bff.web.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.ftgo.edge.stubs.EdgeTestEnvironment;
import io.ftgo.edge.stubs.FtgoProviders;
import io.ftgo.edge.stubs.Provider;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.ftgo.edge.stubs.junit.EdgeTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web client in a real browser: headless Chromium (the system's, through the system
 * chromedriver) against the real bff-web, the FTGO stub providers and the dev identity
 * provider, all over loopback HTTP. Every step also checks that no JWT is visible to
 * JavaScript: {@code document.cookie}, localStorage, sessionStorage, the page, and the
 * body of every response the page's {@code fetch} received (recorded by a wrapper the
 * test installs before any page script runs).
 * <p>
 * With {@code -Dftgo.screenshots.update=true} the order-page screenshots are also written
 * to {@code docs/screenshots/} (the README shows them); otherwise to
 * {@code target/screenshots/}.
 */
@EdgeTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "edge.session.cookie.secure=true")
class WebClientBrowserTests {

	/** A compact JWS: three base64url parts, the first two JSON objects. */
	static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*");

	/**
	 * Installed before any script of every page: records each fetch answer's status, URL
	 * and body text.
	 */
	static final String RECORD_RESPONSES = """
			window.__seen = [];
			const originalFetch = window.fetch;
			window.fetch = async (...args) => {
			  const response = await originalFetch(...args);
			  try {
			    const text = await response.clone().text();
			    window.__seen.push({ url: response.url, status: response.status, body: text });
			  } catch (e) {
			    window.__seen.push({ url: response.url, status: response.status, body: '<unreadable>' });
			  }
			  return response;
			};
			""";

	static final EdgeTestEnvironment env = EdgeTestEnvironment.shared();

	static final DevIdentityProvider identity = env.identity();

	static final FtgoProviders providers = env.providers();

	@LocalServerPort
	int port;

	ChromeDriver browser;

	WebDriverWait wait;

	/** Every fetch answer seen so far in this test (bodies included). */
	final List<Map<String, Object>> seen = new ArrayList<>();

	@BeforeEach
	void openBrowser() {
		// Per test, so that each one is reported as skipped (with the reason) when there
		// is no browser.
		SystemChromium.assumeAvailable();
		providers.reset();
		this.browser = SystemChromium.start();
		this.browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", RECORD_RESPONSES));
		this.wait = new WebDriverWait(this.browser, Duration.ofSeconds(30));
	}

	@AfterEach
	void closeBrowser() {
		if (this.browser != null) {
			this.browser.quit();
		}
	}

	String base() {
		return "http://localhost:" + this.port;
	}

	@Test
	void alice_seesOrder7001WithSixFreshParts_and7902WithTheTicketMarkedUnavailable() {
		signIn("alice", "#/orders");
		WebElement firstOrder = this.wait
			.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#orders li[data-order]")));
		assertThat(firstOrder.getText()).contains("Order");
		assertThat(this.browser.findElements(By.cssSelector("#orders li[data-order]"))).hasSize(5);
		assertThat(text("#page")).contains("Page 1 of 3").contains("13 orders");
		noTokenVisible();

		// Paging, then the state filter.
		this.browser.findElement(By.id("next")).click();
		this.wait.until(ExpectedConditions.attributeToBe(By.id("view"), "data-route", "#/orders?page=1"));
		assertThat(text("#page")).contains("Page 2 of 3");
		new org.openqa.selenium.support.ui.Select(this.browser.findElement(By.id("state-filter")))
			.selectByValue("APPROVED");
		this.wait.until(ExpectedConditions.attributeToBe(By.id("view"), "data-route", "#/orders?state=APPROVED"));
		List<WebElement> states = this.browser.findElements(By.cssSelector("#orders li[data-order] .state"));
		assertThat(states).isNotEmpty().allSatisfy((state) -> assertThat(state.getText()).isEqualTo("APPROVED"));
		assertThat(text("#page")).contains("8 orders");
		noTokenVisible();

		// Restaurants and a menu (a proxied route).
		this.browser.findElement(By.id("nav-restaurants")).click();
		this.wait.until(ExpectedConditions.attributeToBe(By.id("view"), "data-route", "#/restaurants"));
		assertThat(text("#restaurants")).contains("Ajanta").contains("Egg Shop");
		this.browser.findElement(By.cssSelector("#restaurants li[data-restaurant='501'] a")).click();
		this.wait.until(ExpectedConditions.attributeToBe(By.id("view"), "data-route", "#/restaurants/501"));
		assertThat(text("#restaurant")).contains("Ajanta").contains("Chicken Vindaloo").contains("$12.50");

		open("#/orders/7001");
		this.wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#order .part"), 6));
		assertThat(this.browser.findElements(By.cssSelector("#order .part[data-status='fresh']"))).hasSize(6);
		assertThat(this.browser.findElements(By.id("degraded"))).isEmpty();
		assertThat(text("#order")).contains("Chicken Vindaloo").contains("Ajanta").contains("Alice Archer");
		screenshot("order-page-fresh.png");
		noTokenVisible();

		open("#/orders/7902");
		this.wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#order .part"), 6));
		WebElement ticket = this.browser.findElement(By.cssSelector("#order .part[data-part='ticket']"));
		assertThat(ticket.getAttribute("data-status")).isEqualTo("omitted");
		assertThat(ticket.getText()).contains("unavailable").contains("http-status 500");
		assertThat(this.browser.findElement(By.id("degraded")).isDisplayed()).isTrue();
		assertThat(this.browser.findElements(By.cssSelector("#order .part[data-status='fresh']"))).hasSize(5);
		screenshot("order-page-degraded.png");
		noTokenVisible();
		// The scan is not vacuous: it saw the API answers, and its pattern matches a real
		// token of this identity provider.
		assertThat(identity.passwordGrant("alice", "password")).containsPattern(JWT);
		assertThat(this.seen).anySatisfy((r) -> assertThat(r.get("url").toString()).endsWith("/api/web/orders/7001"));
		assertThat(this.seen).anySatisfy((r) -> assertThat(r.get("url").toString()).endsWith("/bff/user"));
	}

	@Test
	void alice_cancelsHerOrder_andBobsOrderIsNotFound() {
		signIn("alice", "#/orders/7003");
		this.wait.until(ExpectedConditions.elementToBeClickable(By.id("cancel"))).click();
		this.wait.until(ExpectedConditions.elementToBeClickable(By.id("confirm-cancel"))).click();
		WebElement done = this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("cancelled")));
		assertThat(done.getText()).contains("7003").contains("CANCEL_PENDING");
		assertThat(providers.requestCount(Provider.ORDER, "POST", "/orders/7003/cancel")).isEqualTo(1);
		noTokenVisible();

		open("#/orders/7002");
		WebElement notFound = this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("not-found")));
		assertThat(notFound.getText()).contains("Order not found");
		assertThat(text("#view")).doesNotContain("7002 ·");
		assertThat(providers.requestCount(Provider.KITCHEN, "GET", "/tickets/7002")).isZero();
		noTokenVisible();

		// A refused cancel shows the problem's detail.
		providers.inject(Provider.ORDER, io.ftgo.edge.stubs.ProviderFault.status(500).onPath("/orders/7004/cancel"));
		open("#/orders/7004");
		this.wait.until(ExpectedConditions.elementToBeClickable(By.id("cancel"))).click();
		this.wait.until(ExpectedConditions.elementToBeClickable(By.id("confirm-cancel"))).click();
		WebElement problem = this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("cancel-problem")));
		Map<String, Object> answer = lastResponse("/api/web/orders/7004/cancel");
		assertThat(answer.get("status")).isEqualTo(502L);
		String detail = (String) new tools.jackson.databind.json.JsonMapper()
			.readValue((String) answer.get("body"), Map.class)
			.get("detail");
		assertThat(detail).isNotBlank();
		assertThat(problem.getText()).isEqualTo(detail);
		assertThat(providers.requestCount(Provider.ORDER, "POST", "/orders/7004/cancel")).isEqualTo(1);
		noTokenVisible();
	}

	@Test
	void afterLogout_backShowsNoData() {
		int revocations = identity.revocations();
		signIn("alice", "#/orders/7001");
		this.wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#order .part"), 6));
		assertThat(text("#order")).contains("Chicken Vindaloo");
		noTokenVisible();

		this.browser.findElement(By.id("logout")).click();
		// Out through the identity provider's end-session endpoint and back to the page.
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in")));
		assertThat(this.browser.getCurrentUrl()).startsWith(base() + "/");
		assertThat(identity.revocations()).isEqualTo(revocations + 1);
		noTokenVisible();

		this.browser.navigate().back();
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in")));
		assertThat(this.browser.findElements(By.cssSelector("#order"))).isEmpty();
		assertThat(this.browser.getPageSource()).doesNotContain("Chicken Vindaloo").doesNotContain("Alice Archer");
		noTokenVisible();

		// The identity provider's session ended too: signing in again asks for the
		// password.
		this.browser.findElement(By.id("sign-in")).click();
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
		assertThat(this.browser.getCurrentUrl()).startsWith(identity.baseUrl() + "/oauth2/authorize");
	}

	/** Opens the page at a route, signs in at the identity provider, lands back there. */
	void signIn(String user, String route) {
		this.browser.get(base() + "/" + route);
		this.wait.until(ExpectedConditions.elementToBeClickable(By.id("sign-in"))).click();
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys(user);
		this.browser.findElement(By.id("password")).sendKeys("password");
		noTokenVisible();
		this.browser.findElement(By.id("sign-in")).click();
		this.wait.until(ExpectedConditions.urlToBe(base() + "/" + route));
		this.wait.until(ExpectedConditions.textToBe(By.id("who"), user));
	}

	/** Goes to a route and waits until the page shows it (not the previous view). */
	void open(String route) {
		harvest();
		this.browser.get(base() + "/" + route);
		this.wait.until(ExpectedConditions.attributeToBe(By.id("view"), "data-route", route));
	}

	String text(String css) {
		return this.browser.findElement(By.cssSelector(css)).getText();
	}

	/**
	 * Nothing JavaScript can see holds a JWT: cookies, both storages, the document, and
	 * every response body the page's fetch received so far.
	 */
	@SuppressWarnings("unchecked")
	void noTokenVisible() {
		JavascriptExecutor js = this.browser;
		String cookies = String.valueOf(js.executeScript("return document.cookie"));
		String local = String.valueOf(js.executeScript("return JSON.stringify(Object.assign({}, localStorage))"));
		String session = String.valueOf(js.executeScript("return JSON.stringify(Object.assign({}, sessionStorage))"));
		assertThat(cookies).doesNotContainPattern(JWT).doesNotContain("ftgo-session");
		assertThat(local).doesNotContainPattern(JWT);
		assertThat(session).doesNotContainPattern(JWT);
		assertThat(this.browser.getPageSource()).doesNotContainPattern(JWT);
		harvest();
		for (Map<String, Object> response : this.seen) {
			assertThat(String.valueOf(response.get("body"))).as("body of %s", response.get("url"))
				.doesNotContainPattern(JWT);
		}
	}

	/** The last recorded fetch answer whose URL ends with the path. */
	Map<String, Object> lastResponse(String path) {
		harvest();
		for (int i = this.seen.size() - 1; i >= 0; i--) {
			if (String.valueOf(this.seen.get(i).get("url")).endsWith(path)) {
				return this.seen.get(i);
			}
		}
		throw new AssertionError("no response of " + path + " seen");
	}

	/** Moves what the page recorded into {@link #seen} (a navigation resets the page). */
	@SuppressWarnings("unchecked")
	void harvest() {
		Object recorded = this.browser.executeScript("const s = window.__seen || []; window.__seen = []; return s;");
		if (recorded instanceof List<?> list) {
			list.forEach((item) -> this.seen.add((Map<String, Object>) item));
		}
	}

	void screenshot(String name) {
		Path shot = this.browser.getScreenshotAs(OutputType.FILE).toPath();
		try {
			Path target = Path.of("target", "screenshots", name);
			Files.createDirectories(target.getParent());
			Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
			if (Boolean.getBoolean("ftgo.screenshots.update")) {
				Path docs = Path.of("..", "docs", "screenshots", name);
				Files.createDirectories(docs.getParent());
				Files.copy(shot, docs, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
