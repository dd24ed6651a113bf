package io.ftgo.edge.stubs.identity;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.ftgo.edge.stubs.identity.IdentityTestSupport.json;
import static io.ftgo.edge.stubs.identity.IdentityTestSupport.tokenRequest;
import static io.ftgo.edge.stubs.identity.IdentityTestSupport.verify;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dev identity provider's browser flow over real HTTP: authorization code with PKCE
 * (S256), the login form, single sign-on, refresh, revocation, the end-session endpoint
 * and back-channel logout to a client (a small HTTP server standing for bff-web).
 */
class AuthorizationCodeFlowTests {

	static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

	static final String CHALLENGE = AuthorizationCodeFlow.s256(VERIFIER);

	static final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

	static DevIdentityProvider identity;

	static HttpServer client;

	static final List<String> logoutTokens = new CopyOnWriteArrayList<>();

	static String redirectUri;

	@BeforeAll
	static void start() throws Exception {
		identity = DevIdentityProvider.startOnRandomPort();
		client = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
		client.createContext("/bff/backchannel-logout", (exchange) -> {
			String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
			logoutTokens.add(URLDecoder.decode(form.substring("logout_token=".length()), StandardCharsets.UTF_8));
			exchange.sendResponseHeaders(200, -1);
			exchange.close();
		});
		client.start();
		redirectUri = "http://localhost:" + client.getAddress().getPort() + "/bff/callback";
	}

	@AfterAll
	static void stop() {
		client.stop(0);
		identity.close();
	}

	static Map<String, String> authorizeParams(String challenge, String method) {
		Map<String, String> params = new LinkedHashMap<>();
		params.put("response_type", "code");
		params.put("client_id", "bff-web");
		params.put("redirect_uri", redirectUri);
		params.put("scope", "openid web");
		params.put("state", "state-1");
		params.put("nonce", "nonce-1");
		if (challenge != null) {
			params.put("code_challenge", challenge);
			params.put("code_challenge_method", method);
		}
		return params;
	}

	static String query(Map<String, String> params) {
		StringBuilder query = new StringBuilder();
		params.forEach((k, v) -> query.append(query.length() > 0 ? "&" : "")
			.append(k)
			.append('=')
			.append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
		return query.toString();
	}

	static HttpResponse<String> authorize(Map<String, String> params, String cookie) throws Exception {
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create(identity.baseUrl() + "/oauth2/authorize?" + query(params)));
		if (cookie != null) {
			request.header("Cookie", cookie);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	static HttpResponse<String> submit(Map<String, String> params, String user, String password) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(identity.baseUrl() + "/oauth2/authorize"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(query(params) + "&username=" + user + "&password=" + password))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	static Map<String, String> redirectParams(HttpResponse<?> response) {
		URI location = URI.create(response.headers().firstValue("Location").orElseThrow());
		Map<String, String> params = new LinkedHashMap<>();
		for (String pair : location.getRawQuery().split("&")) {
			String[] kv = pair.split("=", 2);
			params.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
		}
		return params;
	}

	static String ssoCookie(HttpResponse<?> response) {
		return response.headers()
			.allValues("Set-Cookie")
			.stream()
			.filter((c) -> c.startsWith(AuthorizationCodeFlow.SSO_COOKIE + "="))
			.map((c) -> c.substring(0, c.indexOf(';')))
			.findFirst()
			.orElseThrow();
	}

	static HttpResponse<String> exchange(String code, String verifier) throws Exception {
		return tokenRequest(identity,
				"grant_type=authorization_code&code=" + code + "&redirect_uri="
						+ URLEncoder.encode(redirectUri, StandardCharsets.UTF_8) + "&code_verifier=" + verifier,
				"bff-web", "bff-web-secret");
	}

	@Test
	void discovery_announcesTheBrowserFlow() throws Exception {
		Map<String, Object> doc = json(
				IdentityTestSupport.get(URI.create(identity.baseUrl() + "/.well-known/openid-configuration")).body());
		assertThat(doc).containsEntry("authorization_endpoint", identity.baseUrl() + "/oauth2/authorize")
			.containsEntry("revocation_endpoint", identity.baseUrl() + "/oauth2/revoke")
			.containsEntry("end_session_endpoint", identity.baseUrl() + "/oauth2/logout")
			.containsEntry("backchannel_logout_supported", true)
			.containsEntry("code_challenge_methods_supported", List.of("S256"));
	}

	@Test
	void codeFlowWithPkce_loginFormThenCodeThenTokens() throws Exception {
		Map<String, String> params = authorizeParams(CHALLENGE, "S256");
		HttpResponse<String> form = authorize(params, null);
		assertThat(form.statusCode()).isEqualTo(200);
		assertThat(form.body()).contains("name=\"username\"").contains("name=\"password\"");

		HttpResponse<String> wrong = submit(params, "alice", "nope");
		assertThat(wrong.statusCode()).isEqualTo(401);
		assertThat(wrong.headers().firstValue("Location")).isEmpty();

		HttpResponse<String> signedIn = submit(params, "alice", "password");
		assertThat(signedIn.statusCode()).isEqualTo(302);
		Map<String, String> answer = redirectParams(signedIn);
		assertThat(answer).containsEntry("state", "state-1")
			.containsEntry("iss", identity.issuer())
			.containsKey("code");

		HttpResponse<String> tokens = exchange(answer.get("code"), VERIFIER);
		assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
		Map<String, Object> body = json(tokens.body());
		assertThat(body).containsKeys("access_token", "id_token", "refresh_token")
			.containsEntry("token_type", "Bearer");
		var access = verify(identity, (String) body.get("access_token"));
		assertThat(access.getSubject()).isEqualTo("1001");
		assertThat(access.getStringClaim("scope")).isEqualTo("web");
		assertThat(access.getStringClaim("sid")).isNotBlank();
		SignedJWT id = SignedJWT.parse((String) body.get("id_token"));
		assertThat(id.verify(new RSASSAVerifier(identity.signingKey().toRSAPublicKey()))).isTrue();
		assertThat(id.getJWTClaimsSet().getAudience()).containsExactly("bff-web");
		assertThat(id.getJWTClaimsSet().getStringClaim("nonce")).isEqualTo("nonce-1");
		assertThat(id.getJWTClaimsSet().getStringClaim("sid")).isEqualTo(access.getStringClaim("sid"));

		// A code is good once.
		HttpResponse<String> replay = exchange(answer.get("code"), VERIFIER);
		assertThat(replay.statusCode()).isEqualTo(400);
		assertThat(json(replay.body())).containsEntry("error", "invalid_grant");
	}

	@Test
	void pkce_wrongVerifier_invalidGrant_andMissingOrPlainChallenge_refusedAtAuthorize() throws Exception {
		Map<String, String> params = authorizeParams(CHALLENGE, "S256");
		Map<String, String> answer = redirectParams(submit(params, "bob", "password"));
		HttpResponse<String> tokens = exchange(answer.get("code"), "another-verifier-another-verifier-another-v");
		assertThat(tokens.statusCode()).isEqualTo(400);
		assertThat(json(tokens.body())).containsEntry("error", "invalid_grant");

		for (Map<String, String> bad : List.of(authorizeParams(null, null), authorizeParams(VERIFIER, "plain"))) {
			HttpResponse<String> refused = authorize(bad, null);
			assertThat(refused.statusCode()).isEqualTo(302);
			assertThat(redirectParams(refused)).containsEntry("error", "invalid_request");
		}
	}

	@Test
	void unregisteredRedirectUriOrClient_anErrorPage_neverARedirect() throws Exception {
		Map<String, String> params = authorizeParams(CHALLENGE, "S256");
		params.put("redirect_uri", "https://evil.example/bff/callback");
		HttpResponse<String> refused = authorize(params, null);
		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(refused.headers().firstValue("Location")).isEmpty();

		params = authorizeParams(CHALLENGE, "S256");
		params.put("client_id", "unknown");
		assertThat(authorize(params, null).statusCode()).isEqualTo(400);
	}

	@Test
	void singleSignOn_refresh_revoke_endSession_andBackChannelLogout() throws Exception {
		Map<String, String> params = authorizeParams(CHALLENGE, "S256");
		HttpResponse<String> signedIn = submit(params, "carol", "password");
		String sso = ssoCookie(signedIn);
		Map<String, Object> tokens = json(exchange(redirectParams(signedIn).get("code"), VERIFIER).body());
		String refreshToken = (String) tokens.get("refresh_token");
		String sid = verify(identity, (String) tokens.get("access_token")).getStringClaim("sid");

		// With the single-sign-on cookie: no form, a code at once.
		HttpResponse<String> again = authorize(params, sso);
		assertThat(again.statusCode()).isEqualTo(302);
		Map<String, Object> second = json(exchange(redirectParams(again).get("code"), VERIFIER).body());
		assertThat(identity.activeRefreshTokens("carol")).isEqualTo(2);

		int refreshes = identity.refreshGrants();
		HttpResponse<String> refreshed = tokenRequest(identity,
				"grant_type=refresh_token&refresh_token=" + refreshToken, "bff-web", "bff-web-secret");
		assertThat(refreshed.statusCode()).isEqualTo(200);
		assertThat(verify(identity, (String) json(refreshed.body()).get("access_token")).getStringClaim("sid"))
			.isEqualTo(sid);
		assertThat(identity.refreshGrants()).isEqualTo(refreshes + 1);

		// Revoked: the refresh token is refused.
		int revocations = identity.revocations();
		HttpResponse<String> revoked = http
			.send(HttpRequest.newBuilder(URI.create(identity.baseUrl() + "/oauth2/revoke"))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.header("Authorization",
						"Basic " + java.util.Base64.getEncoder()
							.encodeToString("bff-web:bff-web-secret".getBytes(StandardCharsets.UTF_8)))
				.POST(HttpRequest.BodyPublishers.ofString("token=" + refreshToken))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(revoked.statusCode()).isEqualTo(200);
		assertThat(identity.revocations()).isEqualTo(revocations + 1);
		assertThat(tokenRequest(identity, "grant_type=refresh_token&refresh_token=" + refreshToken, "bff-web",
				"bff-web-secret")
			.statusCode()).isEqualTo(400);

		// End session: back to the registered page, the SSO cookie cleared, the other
		// refresh token ended, and the client told by back-channel logout.
		logoutTokens.clear();
		String postLogout = "http://localhost:" + client.getAddress().getPort() + "/";
		HttpResponse<String> ended = http.send(
				HttpRequest
					.newBuilder(
							URI.create(identity.baseUrl() + "/oauth2/logout?client_id=bff-web&post_logout_redirect_uri="
									+ URLEncoder.encode(postLogout, StandardCharsets.UTF_8)))
					.header("Cookie", sso)
					.build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(ended.statusCode()).isEqualTo(302);
		assertThat(ended.headers().firstValue("Location")).hasValue(postLogout);
		assertThat(ended.headers().allValues("Set-Cookie")).anySatisfy((c) -> assertThat(c).contains("Max-Age=0"));
		assertThat(tokenRequest(identity, "grant_type=refresh_token&refresh_token=" + second.get("refresh_token"),
				"bff-web", "bff-web-secret")
			.statusCode()).isEqualTo(400);
		assertThat(identity.activeRefreshTokens("carol")).isZero();
		assertThat(authorize(params, sso).statusCode()).as("SSO session over: the form again").isEqualTo(200);

		assertThat(logoutTokens).hasSize(1);
		SignedJWT logoutToken = SignedJWT.parse(logoutTokens.get(0));
		RSAKey key = identity.signingKey();
		assertThat(logoutToken.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
		assertThat(logoutToken.verify(new RSASSAVerifier(key.toRSAPublicKey()))).isTrue();
		assertThat(logoutToken.getJWTClaimsSet().getAudience()).containsExactly("bff-web");
		assertThat(logoutToken.getJWTClaimsSet().getStringClaim("sid")).isEqualTo(sid);
		assertThat(logoutToken.getJWTClaimsSet().getJSONObjectClaim("events"))
			.containsKey("http://schemas.openid.net/event/backchannel-logout");
		assertThat(logoutToken.getJWTClaimsSet().getClaim("nonce")).isNull();
	}

	@Test
	void endSession_unregisteredPostLogoutUri_noRedirect() throws Exception {
		HttpResponse<String> ended = http.send(HttpRequest
			.newBuilder(URI.create(identity.baseUrl()
					+ "/oauth2/logout?client_id=bff-web&post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(ended.statusCode()).isEqualTo(200);
		assertThat(ended.headers().firstValue("Location")).isEmpty();
	}

	@Test
	void loopbackRedirectUris_matchOnAnyPort_othersExactly() {
		List<String> registered = DevIdentities.CLIENTS.get("bff-web").redirectUris();
		assertThat(AuthorizationCodeFlow.matches(registered, "http://localhost:1234/bff/callback")).isTrue();
		assertThat(AuthorizationCodeFlow.matches(registered, "http://127.0.0.1:1234/bff/callback")).isTrue();
		assertThat(AuthorizationCodeFlow.matches(registered, "http://localhost:1234/bff/other")).isFalse();
		assertThat(AuthorizationCodeFlow.matches(registered, "http://localhost:1234/bff/callback?x=1")).isFalse();
		assertThat(AuthorizationCodeFlow.matches(registered, "https://localhost:1234/bff/callback")).isFalse();
		assertThat(AuthorizationCodeFlow.matches(registered, "http://localhost.evil.example/bff/callback")).isFalse();
		assertThat(AuthorizationCodeFlow.matches(registered, "http://evil@localhost:1234/bff/callback")).isFalse();
	}

}
