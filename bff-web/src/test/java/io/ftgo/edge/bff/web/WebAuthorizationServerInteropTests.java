package io.ftgo.edge.bff.web;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.ftgo.edge.stubs.EdgeTestEnvironment;
import io.ftgo.edge.stubs.FtgoProviders;
import io.ftgo.edge.stubs.Provider;
import io.ftgo.edge.stubs.identity.AuthorizationServerProcess;
import io.ftgo.edge.stubs.identity.LoopbackBrowser;
import io.ftgo.edge.stubs.junit.EdgeTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bff-web against Spring Authorization Server, an identity provider the project did not
 * write (the {@code stubs/authorization-server} module, its own JVM process), with the
 * edge's code paths and bff-web's YAML as shipped: only the issuer, the client's origin
 * and the test's timings differ. Over real HTTP: the browser's sign-in (authorization
 * code + PKCE, the provider's login form), {@code /bff/user}, refresh before expiry with
 * rotated refresh tokens, logout through the provider's end-session endpoint; bearer
 * tokens and their scopes; a signing-key rotation picked up without a restart. What the
 * provider did is counted from its request journal, what reached providers from the
 * WireMock journals.
 */
@EdgeTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
		properties = { "edge.rate-limit.tiers.anonymous.limit=10000",
				// The edge fetches the key set at most once per floor (default 30s).
				"edge.security.jwt.jwks-refresh-floor=" + WebAuthorizationServerInteropTests.REFRESH_FLOOR,
				// Longer than the provider's 5-minute access tokens: every session
				// request
				// finds its token about to expire and refreshes it first.
				"edge.session.refresh-before=10m" })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class WebAuthorizationServerInteropTests {

	static final String REFRESH_FLOOR = "1s";

	static final FtgoProviders providers = EdgeTestEnvironment.shared().providers();

	/** Registered with the provider as exact redirect and post-logout URIs. */
	static final int PORT = EdgeTestEnvironment.freePort();

	static final String ORIGIN = "http://127.0.0.1:" + PORT;

	static final AuthorizationServerProcess server = AuthorizationServerProcess.builder().bffWebOrigin(ORIGIN).start();

	static final String TOKEN_REFRESH = "POST /oauth2/token refresh_token ";

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("server.port", () -> PORT);
		registry.add("edge.security.jwt.issuer-uri", server::issuer);
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	// the browser's session

	@Test
	void signIn_authorizationCodeWithPkce_bffUser_apiCalls_eachRefreshedBeforeExpiry() {
		LoopbackBrowser browser = new LoopbackBrowser();
		int refreshes = server.count(TOKEN_REFRESH + "200");

		signIn(browser, "alice");

		HttpResponse<String> authorize = browser.history()
			.stream()
			.filter((r) -> r.uri().getPath().equals("/oauth2/authorize"))
			.findFirst()
			.orElseThrow();
		assertThat(authorize.uri().getQuery()).contains("code_challenge_method=S256")
			.contains("client_id=bff-web")
			.contains("redirect_uri=" + ORIGIN + "/bff/callback");
		assertThat(browser.cookies("127.0.0.1")).containsKey(SessionBrowser.SESSION);

		HttpResponse<String> user = get(browser, "/bff/user");
		assertThat(user.statusCode()).as(user.body()).isEqualTo(200);
		// sub is the provider's (the user name); the UI's claims come from the ID token.
		assertThat(user.body()).contains("\"sub\":\"alice\"")
			.contains("\"username\":\"alice\"")
			.contains("\"consumerId\":\"1001\"")
			.contains("\"logoutUrl\"");

		HttpResponse<String> page = get(browser, "/api/web/orders/7001");
		assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
		assertThat(page.body()).contains("\"orderId\":7001").contains("\"complete\":true");
		HttpResponse<String> history = get(browser, "/api/web/orders");
		assertThat(history.statusCode()).as(history.body()).isEqualTo(200);

		// Three session requests, three refreshes, each with the refresh token the
		// previous one answered (the provider rotates them and refuses a used one).
		assertThat(server.count(TOKEN_REFRESH + "200")).isEqualTo(refreshes + 3);
		assertThat(server.count(TOKEN_REFRESH + "400")).isZero();
		LoggedRequest order = providers.requests(Provider.ORDER).get(0);
		assertThat(order.getHeader("X-Consumer-Id")).isEqualTo("1001");
		Map<String, Object> relayed = AuthorizationServerProcess
			.claims(order.getHeader("Authorization").substring("Bearer ".length()));
		assertThat(relayed).containsEntry("iss", server.issuer())
			.containsEntry("sub", "alice")
			.containsEntry("client_id", "bff-web")
			.containsEntry("consumer_id", 1001L);
		assertThat(providers.requests(Provider.ORDER))
			.allSatisfy((r) -> assertThat(r.containsHeader("Cookie")).isFalse());
	}

	@Test
	void logout_revokesTheRefreshToken_andEndsTheProvidersSessionThroughItsEndSessionEndpoint() {
		LoopbackBrowser browser = new LoopbackBrowser();
		signIn(browser, "dave");
		// A refresh first: the provider then knows only the newest ID token as a hint.
		int refreshes = server.count(TOKEN_REFRESH + "200");
		assertThat(get(browser, "/bff/user").statusCode()).isEqualTo(200);
		assertThat(server.count(TOKEN_REFRESH + "200")).isEqualTo(refreshes + 1);
		int revocations = server.count("POST /oauth2/revoke 200");

		HttpResponse<String> logout = browser.send(browser.request(URI.create(ORIGIN + "/bff/logout"))
			.header("X-CSRF", "1")
			.POST(HttpRequest.BodyPublishers.noBody()));

		assertThat(logout.statusCode()).as(logout.body()).isEqualTo(200);
		assertThat(server.count("POST /oauth2/revoke 200")).isEqualTo(revocations + 1);
		String endSession = logout.body().replaceAll("(?s).*\"endSessionUrl\":\"([^\"]+)\".*", "$1");
		assertThat(endSession).startsWith(server.issuer() + "/connect/logout?");
		assertThat(LoopbackBrowser.queryParameter(endSession, "client_id")).hasValue("bff-web");
		assertThat(LoopbackBrowser.queryParameter(endSession, "post_logout_redirect_uri")).hasValue(ORIGIN + "/");
		String hint = LoopbackBrowser.queryParameter(endSession, "id_token_hint").orElseThrow();
		assertThat(AuthorizationServerProcess.audience(hint)).containsExactly("bff-web");
		assertThat(AuthorizationServerProcess.claims(hint)).containsEntry("sub", "dave");
		assertThat(get(browser, "/bff/user").statusCode()).isEqualTo(401);

		// The page goes there: the provider ends its session and sends the browser back.
		HttpResponse<String> back = browser.open(endSession);
		assertThat(back.uri().toString()).isEqualTo(ORIGIN + "/");
		assertThat(back.statusCode()).isEqualTo(200);
		assertThat(server.count("GET /connect/logout 302")).isGreaterThanOrEqualTo(1);

		// No single sign-on left: signing in again asks for the password.
		HttpResponse<String> again = browser.open(ORIGIN + "/bff/login?returnTo=/");
		assertThat(again.uri().toString()).isEqualTo(server.issuer() + "/login");
		assertThat(again.body()).contains("name=\"password\"");
	}

	// bearer tokens

	@Test
	void bearerTokens_webScopeAccepted_otherScopesRefusedBeforeAnyProviderCall() {
		String web = accessToken("bob");
		HttpResponse<String> own = bearer(web, "/api/web/orders/7002");
		assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
		assertThat(providers.requests(Provider.ORDER).get(0).getHeader("X-Consumer-Id")).isEqualTo("1002");
		assertThat(bearer(web, "/api/web/orders/7001").statusCode()).isEqualTo(404);
		providers.resetRequests();

		String partner = server.clientCredentials("partner-ajanta", "ajanta-secret", "partner");
		String reports = server.clientCredentials("ftgo-reports", "reports-secret", "reports");
		String mobile = (String) server
			.authorizationCode("ftgo-mobile", null, "http://127.0.0.1:53682/callback", "openid mobile", "bob",
					"password")
			.get("access_token");
		for (String other : List.of(partner, reports, mobile)) {
			HttpResponse<String> refused = bearer(other, "/api/web/orders/7002");
			assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
			assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		}
		for (Provider provider : Provider.values()) {
			assertThat(providers.requestCount(provider)).as(provider.id()).isZero();
		}
	}

	// signing keys

	@Test
	@SuppressWarnings("unchecked")
	void signingKeyRotation_newKidPickedUpWithoutRestart_oldKeyHonouredWhileItsTokensLive() throws Exception {
		// Three tokens signed with the first key; the edge verifies each only when it is
		// first used (a verified token is remembered, so each proves one moment).
		String before = accessToken("carol");
		String oldAfterRotation = accessToken("carol");
		String oldAfterRetirement = accessToken("carol");
		String oldKid = AuthorizationServerProcess.kid(before);
		assertThat(bearer(before, "/api/web/orders").statusCode()).isEqualTo(200);

		server.rotateKeys();
		String after = accessToken("carol");
		String newKid = AuthorizationServerProcess.kid(after);
		assertThat(newKid).isNotEqualTo(oldKid);
		assertThat(AuthorizationServerProcess.kid(oldAfterRotation)).isEqualTo(oldKid);
		assertThat(server.publishedKids()).containsExactlyInAnyOrder(newKid, oldKid);
		letTheRefreshFloorPass();
		int fetches = server.count("GET /oauth2/jwks 200");

		HttpResponse<String> renewed = bearer(after, "/api/web/orders");
		assertThat(renewed.statusCode()).as(renewed.body()).isEqualTo(200);
		assertThat(server.count("GET /oauth2/jwks 200")).isEqualTo(fetches + 1);
		assertThat(bearer(oldAfterRotation, "/api/web/orders").statusCode()).isEqualTo(200);

		// A sign-in now: the ID token is signed with the new key too.
		LoopbackBrowser browser = new LoopbackBrowser();
		signIn(browser, "carol");
		assertThat(get(browser, "/bff/user").statusCode()).isEqualTo(200);

		// The replaced key's tokens still live (5 min; the overlap is 10): retiring keeps
		// it published, and the edge keeps accepting them, with no further fetch.
		assertThat((List<Object>) server.retireKeys(false).get("published")).contains(oldKid);
		int fetchesNow = server.count("GET /oauth2/jwks 200");
		assertThat(bearer(oldAfterRetirement, "/api/web/orders").statusCode()).isEqualTo(200);
		assertThat(server.count("GET /oauth2/jwks 200")).isEqualTo(fetchesNow);
	}

	/**
	 * The edge fetches the key set at most once per {@code jwks-refresh-floor} (1s here),
	 * counted from its last fetch: a token with a new {@code kid} inside that interval is
	 * refused (that bound is what keeps made-up {@code kid}s from becoming a flood of
	 * fetches). Any deployment lets that interval pass; the test waits for what is left
	 * of it after the last fetch the provider saw, usually nothing.
	 */
	private static void letTheRefreshFloorPass() throws InterruptedException {
		long due = server.lastKeySetFetch() + Duration.parse("PT" + REFRESH_FLOOR).toMillis() + 50;
		long left = due - System.currentTimeMillis();
		if (left > 0) {
			Thread.sleep(left);
		}
	}

	// helpers

	/**
	 * Signs in through bff-web as a browser does: /bff/login, the provider's login form,
	 * back to the callback and the page.
	 */
	private static void signIn(LoopbackBrowser browser, String user) {
		HttpResponse<String> form = browser.open(ORIGIN + "/bff/login?returnTo=/");
		assertThat(form.uri().toString()).isEqualTo(server.issuer() + "/login");
		HttpResponse<String> page = browser.signIn(form, user, "password", (location) -> false);
		assertThat(page.uri().toString()).as(page.body()).isEqualTo(ORIGIN + "/");
		assertThat(page.statusCode()).isEqualTo(200);
	}

	private static HttpResponse<String> get(LoopbackBrowser browser, String path) {
		return browser.send(browser.request(URI.create(ORIGIN + path)).header("X-CSRF", "1").GET());
	}

	/** An access token of client bff-web (authorization code + PKCE, scope web). */
	private static String accessToken(String user) {
		return (String) server
			.authorizationCode("bff-web", "bff-web-secret", ORIGIN + "/bff/callback", "openid web", user, "password")
			.get("access_token");
	}

	private static HttpResponse<String> bearer(String token, String path) {
		LoopbackBrowser client = new LoopbackBrowser();
		return client.send(HttpRequest.newBuilder(URI.create(ORIGIN + path))
			.header("Authorization", "Bearer " + token)
			.header("Accept", "application/json")
			.GET());
	}

}
