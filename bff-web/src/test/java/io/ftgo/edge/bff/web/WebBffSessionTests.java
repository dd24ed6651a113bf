package io.ftgo.edge.bff.web;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.ftgo.edge.stubs.EdgeTestEnvironment;
import io.ftgo.edge.stubs.FtgoProviders;
import io.ftgo.edge.stubs.Provider;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.ftgo.edge.stubs.junit.EdgeTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bff-web's browser session mode at the HTTP level, over real HTTP against the real
 * application, the stub providers and the dev identity provider: cookie attributes, the
 * anti-forgery header, cross-site refusal, safe {@code returnTo}, session fixation,
 * logout with refresh-token revocation, back-channel logout, cookie plus bearer refused,
 * the token relayed to providers, and the page's security headers. Provider calls are
 * counted from the WireMock journals; identity-provider effects from its counters.
 */
@EdgeTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		// Sign-ins are anonymous requests, limited per client address (20/s by default):
		// this class signs in faster than that from one address.
		properties = "edge.rate-limit.tiers.anonymous.limit=10000")
class WebBffSessionTests {

	static final EdgeTestEnvironment env = EdgeTestEnvironment.shared();

	static final DevIdentityProvider identity = env.identity();

	static final FtgoProviders providers = env.providers();

	static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*");

	@LocalServerPort
	int port;

	SessionBrowser browser;

	@BeforeEach
	void reset() {
		this.browser = new SessionBrowser(this.port);
	}

	static final Map<String, String> CSRF = Map.of("X-CSRF", "1");

	// sign-in and the cookie

	@Test
	void login_setsAHostPrefixedStrictHttpOnlySecureSessionCookie_andReturnsToThePage() {
		SessionBrowser.Login login = this.browser.login("alice", "/#/orders/7001", null);

		String cookie = login.setCookie(SessionBrowser.SESSION);
		assertThat(cookie).contains("Path=/")
			.contains("Secure")
			.containsIgnoringCase("HttpOnly")
			.contains("SameSite=Strict")
			.doesNotContainIgnoringCase("Domain=");
		assertThat(login.session()).hasSizeGreaterThanOrEqualTo(43).doesNotContainPattern(JWT);
		assertThat(login.callback().headers().firstValue("Location")).hasValue("/#/orders/7001");
		// The one-time login-state cookie is cleared.
		assertThat(login.setCookie(SessionBrowser.LOGIN)).contains("Max-Age=0");
	}

	@Test
	void bffUser_withSession_claimsForTheUiAndExpiry_withoutSession_401Problem() {
		SessionBrowser.Login login = this.browser.login("alice");

		HttpResponse<String> user = this.browser.send(this.browser.get("/bff/user", login.session(), "1"));
		assertThat(user.statusCode()).isEqualTo(200);
		assertThat(user.body()).contains("\"username\":\"alice\"")
			.contains("\"consumerId\":\"1001\"")
			.contains("\"sessionExpiresAt\":")
			.doesNotContainPattern(JWT);
		assertThat(user.headers().firstValue("Cache-Control")).hasValue("no-store");

		HttpResponse<String> none = this.browser.send(this.browser.get("/bff/user", null, "1"));
		assertProblem(none, 401, "no_session");
		HttpResponse<String> unknown = this.browser.send(this.browser.get("/bff/user", "not-a-session", "1"));
		assertProblem(unknown, 401, "no_session");
	}

	@Test
	void sessionFixation_aPlantedOrOldSessionIdNeverSurvivesLogin() {
		SessionBrowser.Login planted = this.browser.login("alice", "/", "attacker-chosen-session-id");
		assertThat(planted.session()).isNotEqualTo("attacker-chosen-session-id");

		SessionBrowser.Login again = this.browser.login("alice", "/", planted.session());
		assertThat(again.session()).isNotEqualTo(planted.session());
		assertProblem(this.browser.send(this.browser.get("/bff/user", planted.session(), "1")), 401, "no_session");
		assertThat(this.browser.send(this.browser.get("/bff/user", again.session(), "1")).statusCode()).isEqualTo(200);
	}

	// returnTo

	@ParameterizedTest
	@ValueSource(strings = { "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example",
			"\\/evil.example", "/%2F%2Fevil.example", "%2F%2Fevil.example", "/%5Cevil.example",
			"/%252F%252Fevil.example", "%2f%2fevil.example", "javascript:alert(1)", "http:evil.example",
			"https:/\\evil.example", " /orders", "/orders\nSet-Cookie:x=1", "/%0d%0aLocation:%20https://evil.example",
			"evil.example" })
	void returnTo_openRedirectAttempts_refused(String returnTo) {
		HttpResponse<String> answer = this.browser
			.send(this.browser.get("/bff/login?returnTo=" + SessionBrowser.encode(returnTo), null, null));

		assertProblem(answer, 400, "invalid_return_to");
		assertThat(answer.headers().firstValue("Location")).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/", "/#/orders/7001", "/#/orders?state=APPROVED&page=1", "/index.html" })
	void returnTo_pathsOnThisSite_accepted(String returnTo) {
		HttpResponse<String> answer = this.browser
			.send(this.browser.get("/bff/login?returnTo=" + SessionBrowser.encode(returnTo), null, null));

		assertThat(answer.statusCode()).isEqualTo(302);
		assertThat(answer.headers().firstValue("Location").orElseThrow())
			.startsWith(identity.baseUrl() + "/oauth2/authorize?")
			.contains("code_challenge_method=S256")
			.contains("client_id=bff-web");
	}

	// anti-forgery header, cross-site, cookie + bearer: refused before anything is
	// forwarded

	@Test
	void csrf_sessionRequestWithoutTheHeader_403ProblemAndNothingForwarded() {
		SessionBrowser.Login login = this.browser.login("alice");

		assertProblem(this.browser.send(this.browser.get("/api/web/orders/7001", login.session(), null)), 403,
				"csrf_header_required");
		assertProblem(this.browser.send(this.browser.get("/api/web/restaurants", login.session(), null)), 403,
				"csrf_header_required");
		assertProblem(this.browser.send(this.browser.post("/api/web/orders/7003/cancel", login.session(), Map.of())),
				403, "csrf_header_required");
		assertProblem(this.browser.send(this.browser.get("/bff/user", login.session(), null)), 403,
				"csrf_header_required");

		for (Provider provider : Provider.values()) {
			assertThat(providers.requestCount(provider)).as(provider.id()).isZero();
		}
	}

	@Test
	void crossSite_stateChangingRequests_403AndNothingForwarded_sameOriginPasses() {
		SessionBrowser.Login login = this.browser.login("alice");

		assertProblem(this.browser.send(this.browser.post("/api/web/orders/7003/cancel", login.session(),
				Map.of("X-CSRF", "1", "Origin", "https://evil.example"))), 403, "cross_site_request");
		assertProblem(this.browser.send(this.browser.post("/api/web/orders/7003/cancel", login.session(),
				Map.of("X-CSRF", "1", "Sec-Fetch-Site", "cross-site"))), 403, "cross_site_request");
		assertProblem(this.browser.send(this.browser.post("/api/web/orders/7003/cancel", login.session(),
				Map.of("X-CSRF", "1", "Sec-Fetch-Site", "same-site"))), 403, "cross_site_request");
		assertProblem(
				this.browser
					.send(this.browser.post("/bff/logout", login.session(), Map.of("X-CSRF", "1", "Origin", "null"))),
				403, "cross_site_request");
		assertThat(providers.requestCount(Provider.ORDER)).isZero();

		HttpResponse<String> sameOrigin = this.browser.send(this.browser.post("/api/web/orders/7003/cancel",
				login.session(), Map.of("X-CSRF", "1", "Origin", this.browser.base, "Sec-Fetch-Site", "same-origin")));
		assertThat(sameOrigin.statusCode()).as(sameOrigin.body()).isEqualTo(200);
		assertThat(providers.requestCount(Provider.ORDER, "POST", "/orders/7003/cancel")).isEqualTo(1);
	}

	@Test
	void cookieAndBearerTogether_400ProblemAndNothingForwarded() {
		SessionBrowser.Login login = this.browser.login("alice");
		String bearer = identity.passwordGrant("bob", "password");

		HttpResponse<String> answer = this.browser.send(this.browser.get("/api/web/orders/7002", login.session(), "1")
			.header("Authorization", "Bearer " + bearer));

		assertProblem(answer, 400, "ambiguous_credentials");
		assertThat(providers.requestCount(Provider.ORDER)).isZero();
	}

	@Test
	void bearerCallers_unchanged_noCookieNoHeaderNeeded() {
		HttpResponse<String> answer = this.browser.send(this.browser.get("/api/web/orders/7001", null, null)
			.header("Authorization", "Bearer " + identity.passwordGrant("alice", "password")));

		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(answer.body()).contains("\"orderId\":7001");
	}

	// token relay

	@Test
	void sessionRequests_relayTheSessionsAccessTokenToProviders_composedAndProxied_withoutTheCookie() {
		SessionBrowser.Login login = this.browser.login("alice");

		HttpResponse<String> page = this.browser.send(this.browser.get("/api/web/orders/7001", login.session(), "1"));
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("\"complete\":true").doesNotContainPattern(JWT);
		assertThat(page.headers().firstValue("Cache-Control")).hasValue("private, no-cache");
		HttpResponse<String> menu = this.browser
			.send(this.browser.get("/api/web/restaurants/502", login.session(), "1"));
		assertThat(menu.statusCode()).isEqualTo(200);
		assertThat(menu.headers().firstValue("Cache-Control").orElseThrow()).doesNotContain("public");

		LoggedRequest order = providers.requests(Provider.ORDER).get(0);
		LoggedRequest kitchen = providers.requests(Provider.KITCHEN).get(0);
		LoggedRequest restaurant = providers.requests(Provider.RESTAURANT)
			.stream()
			.filter((r) -> r.getUrl().equals("/restaurants/502"))
			.findFirst()
			.orElseThrow();
		for (LoggedRequest request : List.of(order, kitchen, restaurant)) {
			String authorization = request.getHeader("Authorization");
			assertThat(authorization).as(request.getUrl()).startsWith("Bearer ");
			Map<String, Object> claims = claims(authorization.substring(7));
			assertThat(claims).containsEntry("sub", "1001").containsEntry("client_id", "bff-web").containsKey("sid");
			assertThat(request.containsHeader("Cookie")).as(request.getUrl()).isFalse();
		}
	}

	// logout

	@Test
	void logout_endsTheSessionRevokesTheRefreshToken_andPointsToTheEndSessionEndpoint() {
		SessionBrowser.Login login = this.browser.login("dave");
		int revocations = identity.revocations();
		assertThat(identity.activeRefreshTokens("dave")).isEqualTo(1);

		HttpResponse<String> logout = this.browser.send(this.browser.post("/bff/logout", login.session(), CSRF));

		assertThat(logout.statusCode()).isEqualTo(200);
		assertThat(logout.body()).contains(identity.baseUrl() + "/oauth2/logout?").contains("client_id=bff-web");
		// The only token in the answer is the ended session's ID token, as id_token_hint
		// (OpenID Connect RP-Initiated Logout): audience bff-web, no access token.
		java.util.regex.Matcher tokens = JWT.matcher(logout.body());
		assertThat(tokens.find()).isTrue();
		assertThat(logout.body()).contains("id_token_hint=" + tokens.group());
		Map<String, Object> hint = claims(tokens.group());
		assertThat(hint.get("aud")).isIn("bff-web", List.of("bff-web"));
		assertThat(hint).doesNotContainKey("scope");
		assertThat(tokens.find()).isFalse();
		assertThat(SessionBrowser.cookieValue(logout, SessionBrowser.SESSION)).isEmpty();
		assertThat(logout.headers().allValues("Set-Cookie"))
			.anySatisfy((c) -> assertThat(c).startsWith(SessionBrowser.SESSION + "=;").contains("Max-Age=0"));
		assertThat(identity.revocations()).isEqualTo(revocations + 1);
		assertThat(identity.activeRefreshTokens("dave")).isZero();
		assertProblem(this.browser.send(this.browser.get("/bff/user", login.session(), "1")), 401, "no_session");
		assertProblem(this.browser.send(this.browser.get("/api/web/orders", login.session(), "1")), 401, "no_session");
	}

	@Test
	void logout_withoutTheHeader_403AndTheSessionLives() {
		SessionBrowser.Login login = this.browser.login("dave");

		assertProblem(this.browser.send(this.browser.post("/bff/logout", login.session(), Map.of())), 403,
				"csrf_header_required");
		assertThat(this.browser.send(this.browser.get("/bff/user", login.session(), "1")).statusCode()).isEqualTo(200);
	}

	// back-channel logout

	@Test
	void backChannelLogout_fromTheIdentityProvider_killsTheSession() {
		SessionBrowser.Login login = this.browser.login("carol");
		assertThat(this.browser.send(this.browser.get("/bff/user", login.session(), "1")).statusCode()).isEqualTo(200);

		assertThat(identity.endSessionsOf("carol")).isEqualTo(1);

		assertProblem(this.browser.send(this.browser.get("/bff/user", login.session(), "1")), 401, "no_session");
		assertProblem(this.browser.send(this.browser.get("/api/web/orders", login.session(), "1")), 401, "no_session");
		assertThat(providers.requestCount(Provider.ORDER)).isZero();
	}

	@Test
	void backChannelLogout_forgedOrWrongTokens_400AndTheSessionLives() {
		SessionBrowser.Login login = this.browser.login("bob");
		this.browser.send(this.browser.get("/api/web/orders", login.session(), "1"));
		String sid = (String) claims(providers.requests(Provider.ORDER).get(0).getHeader("Authorization").substring(7))
			.get("sid");
		Map<String, Object> event = Map.of("http://schemas.openid.net/event/backchannel-logout", Map.of());

		String foreignKey = identity.minter()
			.token()
			.audience("bff-web")
			.claim("sid", sid)
			.claim("events", event)
			.foreignKey()
			.sign();
		String wrongAudience = identity.minter()
			.token()
			.audience("other-client")
			.claim("sid", sid)
			.claim("events", event)
			.sign();
		String noEvent = identity.minter().token().audience("bff-web").claim("sid", sid).sign();
		String accessToken = identity.passwordGrant("bob", "password");
		for (String token : List.of(foreignKey, wrongAudience, noEvent, accessToken, "not-a-jwt")) {
			HttpResponse<String> answer = this.browser.send(java.net.http.HttpRequest
				.newBuilder(java.net.URI.create(this.browser.base + "/bff/backchannel-logout"))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(java.net.http.HttpRequest.BodyPublishers.ofString("logout_token=" + token))
				.build());
			assertThat(answer.statusCode()).isEqualTo(400);
		}
		assertThat(this.browser.send(this.browser.get("/bff/user", login.session(), "1")).statusCode()).isEqualTo(200);

		String genuine = identity.minter().token().audience("bff-web").claim("sid", sid).claim("events", event).sign();
		HttpResponse<String> accepted = this.browser.send(
				java.net.http.HttpRequest.newBuilder(java.net.URI.create(this.browser.base + "/bff/backchannel-logout"))
					.header("Content-Type", "application/x-www-form-urlencoded")
					.POST(java.net.http.HttpRequest.BodyPublishers.ofString("logout_token=" + genuine))
					.build());
		assertThat(accepted.statusCode()).isEqualTo(200);
		assertProblem(this.browser.send(this.browser.get("/bff/user", login.session(), "1")), 401, "no_session");
	}

	// the page

	@Test
	void page_servedWithStrictSecurityHeaders_andNoInlineScript() {
		HttpResponse<String> page = this.browser.send(this.browser.get("/", null, null));

		assertThat(page.statusCode()).isEqualTo(200);
		String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
		assertThat(csp).contains("script-src 'self'")
			.contains("frame-ancestors 'none'")
			.contains("object-src 'none'")
			.doesNotContain("unsafe-inline")
			.doesNotContain("unsafe-eval");
		assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
		assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
		assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
		assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
		assertThat(page.body()).contains("<script type=\"module\" src=\"/app/main.js\"></script>")
			.doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>")
			.doesNotContainPattern("\\son[a-z]+=");
		HttpResponse<String> script = this.browser.send(this.browser.get("/app/main.js", null, null));
		assertThat(script.statusCode()).isEqualTo(200);
		assertThat(script.headers().firstValue("Content-Type").orElse("")).contains("javascript");
	}

	static void assertProblem(HttpResponse<String> answer, int status, String code) {
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
		assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(answer.body()).contains("\"code\":\"" + code + "\"")
			.doesNotContain("Exception")
			.doesNotContain("localhost:");
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> claims(String jwt) {
		String payload = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
		return new tools.jackson.databind.json.JsonMapper().readValue(payload, Map.class);
	}

}
