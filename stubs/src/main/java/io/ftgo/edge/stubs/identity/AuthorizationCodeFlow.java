package io.ftgo.edge.stubs.identity;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpExchange;

/**
 * The dev identity provider's browser flow: OAuth 2.0 authorization code with PKCE (S256
 * only) for the confidential clients of {@link DevIdentities#CLIENTS}, a minimal login
 * form, a single-sign-on session (cookie {@value #SSO_COOKIE}), refresh tokens, token
 * revocation (RFC 7009), RP-initiated logout (the end-session endpoint) and OpenID
 * Connect back-channel logout to the clients of an ended session. State is in memory.
 */
final class AuthorizationCodeFlow {

	static final String SSO_COOKIE = "ftgo_dev_idp";

	static final String BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout";

	private static final Duration CODE_LIFETIME = Duration.ofMinutes(2);

	private static final SecureRandom random = new SecureRandom();

	private final String issuer;

	private final Supplier<TokenMinter> minter;

	private final java.time.Clock clock;

	private final Duration tokenLifetime;

	private final Map<String, SsoSession> sessions = new ConcurrentHashMap<>();

	private final Map<String, PendingCode> codes = new ConcurrentHashMap<>();

	private final Map<String, Grant> refreshTokens = new ConcurrentHashMap<>();

	private final AtomicInteger revocations = new AtomicInteger();

	private final AtomicInteger refreshGrants = new AtomicInteger();

	private final AtomicInteger backChannelDeliveries = new AtomicInteger();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	AuthorizationCodeFlow(String issuer, Supplier<TokenMinter> minter, java.time.Clock clock, Duration tokenLifetime) {
		this.issuer = issuer;
		this.minter = minter;
		this.clock = clock;
		this.tokenLifetime = tokenLifetime;
	}

	/** A single-sign-on session: who logged in, and which clients (at which origin). */
	record SsoSession(String sid, DevIdentities.User user, Map<String, String> clientOrigins) {
	}

	private record PendingCode(String clientId, String redirectUri, String challenge, String nonce, String sid,
			DevIdentities.User user, Set<String> scopes, Instant expiresAt) {
	}

	private record Grant(String clientId, String sid, DevIdentities.User user, Set<String> scopes) {
	}

	int revocations() {
		return this.revocations.get();
	}

	int refreshGrants() {
		return this.refreshGrants.get();
	}

	int backChannelDeliveries() {
		return this.backChannelDeliveries.get();
	}

	int activeRefreshTokens(String username) {
		return (int) this.refreshTokens.values().stream().filter((g) -> g.user().username().equals(username)).count();
	}

	// GET|POST /oauth2/authorize

	void authorize(HttpExchange exchange) throws IOException {
		String method = exchange.getRequestMethod();
		if (!"GET".equals(method) && !"POST".equals(method)) {
			DevIdentityProvider.error(exchange, 405, "invalid_request", "Use GET (or POST from the login form)");
			return;
		}
		Map<String, String> params = "GET".equals(method)
				? DevIdentityProvider.parseQuery(exchange.getRequestURI().getRawQuery())
				: DevIdentityProvider.parseForm(exchange.getRequestBody());
		DevIdentities.Client client = DevIdentities.CLIENTS.get(params.getOrDefault("client_id", ""));
		String redirectUri = params.get("redirect_uri");
		if (client == null || redirectUri == null || !matches(client.redirectUris(), redirectUri)) {
			// Never redirect to an unverified URI: an error page instead.
			page(exchange, 400, "Invalid request", "<p>Unknown client or unregistered redirect_uri.</p>");
			return;
		}
		String state = params.get("state");
		if (!"code".equals(params.get("response_type"))) {
			redirectError(exchange, redirectUri, state, "unsupported_response_type", "Only response_type=code");
			return;
		}
		String challenge = params.get("code_challenge");
		if (challenge == null || challenge.isBlank() || !"S256".equals(params.get("code_challenge_method"))) {
			redirectError(exchange, redirectUri, state, "invalid_request", "PKCE with code_challenge_method=S256");
			return;
		}
		SsoSession session = "GET".equals(method) ? ssoSession(exchange) : null;
		DevIdentities.User user = (session != null) ? session.user() : null;
		if ("POST".equals(method)) {
			DevIdentities.User candidate = DevIdentities.USERS.get(params.getOrDefault("username", ""));
			if (candidate == null || !candidate.password().equals(params.get("password"))) {
				loginForm(exchange, 401, params, "Unknown user or wrong password.");
				return;
			}
			user = candidate;
			session = new SsoSession(randomToken(), user, new ConcurrentHashMap<>());
			this.sessions.put(session.sid(), session);
			exchange.getResponseHeaders()
				.add("Set-Cookie", SSO_COOKIE + "=" + session.sid() + "; Path=/; HttpOnly; SameSite=Lax");
		}
		if (user == null) {
			loginForm(exchange, 200, params, null);
			return;
		}
		Set<String> scopes = new LinkedHashSet<>();
		for (String scope : params.getOrDefault("scope", "").trim().split("\\s+")) {
			if (scope.equals("openid") || user.scopes().contains(scope)) {
				scopes.add(scope);
			}
		}
		session.clientOrigins().put(client.clientId(), origin(redirectUri));
		String code = randomToken();
		this.codes.put(code, new PendingCode(client.clientId(), redirectUri, challenge, params.get("nonce"),
				session.sid(), user, scopes, this.clock.instant().plus(CODE_LIFETIME)));
		Map<String, String> answer = new LinkedHashMap<>();
		answer.put("code", code);
		if (state != null) {
			answer.put("state", state);
		}
		answer.put("iss", this.issuer);
		redirect(exchange, withQuery(redirectUri, answer));
	}

	// POST /oauth2/token, grant_type authorization_code or refresh_token

	void authorizationCodeGrant(HttpExchange exchange, Map<String, String> form) throws IOException {
		DevIdentities.Client client = authenticate(exchange, form);
		if (client == null) {
			return;
		}
		PendingCode pending = this.codes.remove(form.getOrDefault("code", ""));
		if (pending == null || !pending.clientId().equals(client.clientId())
				|| pending.expiresAt().isBefore(this.clock.instant())) {
			DevIdentityProvider.error(exchange, 400, "invalid_grant", "Unknown, used or expired code");
			return;
		}
		if (!pending.redirectUri().equals(form.get("redirect_uri"))) {
			DevIdentityProvider.error(exchange, 400, "invalid_grant", "redirect_uri differs from the authorization");
			return;
		}
		String verifier = form.get("code_verifier");
		if (verifier == null || !s256(verifier).equals(pending.challenge())) {
			DevIdentityProvider.error(exchange, 400, "invalid_grant", "PKCE verification failed");
			return;
		}
		String refreshToken = randomToken();
		this.refreshTokens.put(refreshToken,
				new Grant(client.clientId(), pending.sid(), pending.user(), pending.scopes()));
		Map<String, Object> body = tokens(client, pending.sid(), pending.user(), pending.scopes());
		body.put("refresh_token", refreshToken);
		body.put("id_token", idToken(client, pending));
		DevIdentityProvider.noStore(exchange);
		DevIdentityProvider.json(exchange, 200, body);
	}

	void refreshTokenGrant(HttpExchange exchange, Map<String, String> form) throws IOException {
		DevIdentities.Client client = authenticate(exchange, form);
		if (client == null) {
			return;
		}
		Grant grant = this.refreshTokens.get(form.getOrDefault("refresh_token", ""));
		if (grant == null || !grant.clientId().equals(client.clientId())) {
			DevIdentityProvider.error(exchange, 400, "invalid_grant", "Unknown or revoked refresh token");
			return;
		}
		this.refreshGrants.incrementAndGet();
		Map<String, Object> body = tokens(client, grant.sid(), grant.user(), grant.scopes());
		// Not rotated: the same refresh token stays valid until revoked or logged out.
		body.put("refresh_token", form.get("refresh_token"));
		DevIdentityProvider.noStore(exchange);
		DevIdentityProvider.json(exchange, 200, body);
	}

	// POST /oauth2/revoke (RFC 7009)

	void revoke(HttpExchange exchange) throws IOException {
		if (!"POST".equals(exchange.getRequestMethod())) {
			DevIdentityProvider.error(exchange, 405, "invalid_request", "Use POST");
			return;
		}
		Map<String, String> form = DevIdentityProvider.parseForm(exchange.getRequestBody());
		DevIdentities.Client client = authenticate(exchange, form);
		if (client == null) {
			return;
		}
		String token = form.getOrDefault("token", "");
		Grant grant = this.refreshTokens.get(token);
		if (grant != null && grant.clientId().equals(client.clientId())) {
			this.refreshTokens.remove(token);
			this.revocations.incrementAndGet();
		}
		// RFC 7009: 200 whether or not the token was known.
		DevIdentityProvider.json(exchange, 200, Map.of());
	}

	// GET /oauth2/logout: the end-session endpoint

	void endSession(HttpExchange exchange) throws IOException {
		Map<String, String> params = DevIdentityProvider.parseQuery(exchange.getRequestURI().getRawQuery());
		SsoSession session = ssoSession(exchange);
		exchange.getResponseHeaders().add("Set-Cookie", SSO_COOKIE + "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
		if (session != null) {
			end(session);
		}
		DevIdentities.Client client = DevIdentities.CLIENTS.get(params.getOrDefault("client_id", ""));
		String target = params.get("post_logout_redirect_uri");
		if (client != null && target != null && matches(client.postLogoutRedirectUris(), target)) {
			redirect(exchange,
					(params.get("state") != null) ? withQuery(target, Map.of("state", params.get("state"))) : target);
			return;
		}
		page(exchange, 200, "Signed out", "<p>You are signed out of the FTGO dev identity provider.</p>");
	}

	/**
	 * Ends every single-sign-on session of the user: refresh tokens revoked, each client
	 * told by back-channel logout.
	 * @return the back-channel logout calls answered with 2xx
	 */
	int endSessionsOf(String username) {
		int delivered = 0;
		for (SsoSession session : new ArrayList<>(this.sessions.values())) {
			if (session.user().username().equals(username)) {
				delivered += end(session);
			}
		}
		return delivered;
	}

	private int end(SsoSession session) {
		this.sessions.remove(session.sid());
		this.refreshTokens.values().removeIf((grant) -> grant.sid().equals(session.sid()));
		int delivered = 0;
		for (Map.Entry<String, String> entry : session.clientOrigins().entrySet()) {
			DevIdentities.Client client = DevIdentities.CLIENTS.get(entry.getKey());
			if (client == null || client.backChannelLogoutPath() == null) {
				continue;
			}
			String logoutToken = this.minter.get()
				.token()
				.audience(client.clientId())
				.subject(Long.toString(session.user().consumerId()))
				.claim("sid", session.sid())
				.claim("events", Map.of(BACKCHANNEL_EVENT, Map.of()))
				.expiresAt(this.clock.instant().plus(Duration.ofMinutes(2)))
				.sign();
			try {
				HttpResponse<Void> response = this.http
					.send(HttpRequest.newBuilder(URI.create(entry.getValue() + client.backChannelLogoutPath()))
						.timeout(Duration.ofSeconds(5))
						.header("Content-Type", "application/x-www-form-urlencoded")
						.POST(HttpRequest.BodyPublishers
							.ofString("logout_token=" + URLEncoder.encode(logoutToken, StandardCharsets.UTF_8)))
						.build(), HttpResponse.BodyHandlers.discarding());
				if (response.statusCode() / 100 == 2) {
					delivered++;
					this.backChannelDeliveries.incrementAndGet();
				}
			}
			catch (IOException ex) {
				// The client is gone: nothing to tell.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		return delivered;
	}

	private Map<String, Object> tokens(DevIdentities.Client client, String sid, DevIdentities.User user,
			Set<String> scopes) {
		List<String> accessScopes = scopes.stream().filter((s) -> !s.equals("openid")).toList();
		String accessToken = this.minter.get()
			.forConsumer(user.consumerId(), accessScopes.toArray(String[]::new))
			.claim("preferred_username", user.username())
			.claim("client_id", client.clientId())
			.claim("sid", sid)
			.sign();
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("access_token", accessToken);
		body.put("token_type", "Bearer");
		body.put("expires_in", this.tokenLifetime.toSeconds());
		body.put("scope", String.join(" ", scopes));
		return body;
	}

	private String idToken(DevIdentities.Client client, PendingCode pending) {
		TokenMinter.Token token = this.minter.get()
			.token()
			.audience(client.clientId())
			.subject(Long.toString(pending.user().consumerId()))
			.claim("sid", pending.sid())
			.claim("preferred_username", pending.user().username())
			.claim("consumer_id", pending.user().consumerId())
			.claim("auth_time", this.clock.instant().getEpochSecond());
		if (pending.nonce() != null) {
			token.claim("nonce", pending.nonce());
		}
		return token.sign();
	}

	private DevIdentities.Client authenticate(HttpExchange exchange, Map<String, String> form) throws IOException {
		String[] credentials = DevIdentityProvider.basicCredentials(exchange);
		String clientId = (credentials != null) ? credentials[0] : form.get("client_id");
		String secret = (credentials != null) ? credentials[1] : form.get("client_secret");
		DevIdentities.Client client = (clientId != null) ? DevIdentities.CLIENTS.get(clientId) : null;
		if (client == null || secret == null || !client.secret().equals(secret)) {
			exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"ftgo-dev\"");
			DevIdentityProvider.error(exchange, 401, "invalid_client", "Unknown client or wrong secret");
			return null;
		}
		return client;
	}

	private SsoSession ssoSession(HttpExchange exchange) {
		for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", List.of())) {
			for (String cookie : header.split(";")) {
				String[] pair = cookie.trim().split("=", 2);
				if (pair.length == 2 && pair[0].equals(SSO_COOKIE)) {
					SsoSession session = this.sessions.get(pair[1]);
					if (session != null) {
						return session;
					}
				}
			}
		}
		return null;
	}

	/** Exact match, except that a loopback URI matches on any port (RFC 8252, 7.3). */
	static boolean matches(List<String> registered, String candidate) {
		URI uri;
		try {
			uri = new URI(candidate);
		}
		catch (java.net.URISyntaxException ex) {
			return false;
		}
		for (String entry : registered) {
			if (entry.equals(candidate)) {
				return true;
			}
			URI allowed = URI.create(entry);
			if (isLoopback(allowed.getHost()) && allowed.getHost().equals(uri.getHost())
					&& allowed.getScheme().equals(uri.getScheme()) && allowed.getRawPath().equals(uri.getRawPath())
					&& uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null) {
				return true;
			}
		}
		return false;
	}

	private static boolean isLoopback(String host) {
		return "localhost".equals(host) || "127.0.0.1".equals(host);
	}

	private static String origin(String uri) {
		URI parsed = URI.create(uri);
		return parsed.getScheme() + "://" + parsed.getRawAuthority();
	}

	static String s256(String verifier) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String randomToken() {
		byte[] bytes = new byte[32];
		random.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	private static String withQuery(String uri, Map<String, String> params) {
		StringBuilder target = new StringBuilder(uri).append(uri.contains("?") ? '&' : '?');
		params.forEach((name, value) -> target.append(URLEncoder.encode(name, StandardCharsets.UTF_8))
			.append('=')
			.append(URLEncoder.encode(value, StandardCharsets.UTF_8))
			.append('&'));
		target.setLength(target.length() - 1);
		return target.toString();
	}

	private static void redirectError(HttpExchange exchange, String redirectUri, String state, String error,
			String description) throws IOException {
		Map<String, String> params = new LinkedHashMap<>();
		params.put("error", error);
		params.put("error_description", description);
		if (state != null) {
			params.put("state", state);
		}
		redirect(exchange, withQuery(redirectUri, params));
	}

	private static void redirect(HttpExchange exchange, String location) throws IOException {
		exchange.getResponseHeaders().set("Location", location);
		exchange.getResponseHeaders().set("Cache-Control", "no-store");
		exchange.sendResponseHeaders(302, -1);
		exchange.close();
	}

	private static void loginForm(HttpExchange exchange, int status, Map<String, String> params, String error)
			throws IOException {
		StringBuilder form = new StringBuilder();
		if (error != null) {
			form.append("<p class=\"error\" id=\"error\">").append(escape(error)).append("</p>");
		}
		form.append("<form method=\"post\" action=\"/oauth2/authorize\">");
		for (String name : List.of("response_type", "client_id", "redirect_uri", "scope", "state", "nonce",
				"code_challenge", "code_challenge_method")) {
			if (params.get(name) != null) {
				form.append("<input type=\"hidden\" name=\"")
					.append(name)
					.append("\" value=\"")
					.append(escape(params.get(name)))
					.append("\">");
			}
		}
		form.append("<label>User <input id=\"username\" name=\"username\" autocomplete=\"username\" autofocus></label>")
			.append("<label>Password <input id=\"password\" name=\"password\" type=\"password\" ")
			.append("autocomplete=\"current-password\"></label>")
			.append("<button id=\"sign-in\" type=\"submit\">Sign in</button></form>")
			.append("<p class=\"hint\">Dev users: alice, bob, carol, dave; password <code>password</code>.</p>");
		page(exchange, status, "Sign in to FTGO (dev)", form.toString());
	}

	private static void page(HttpExchange exchange, int status, String title, String body) throws IOException {
		String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
				+ "</title><style>body{font-family:sans-serif;max-width:24rem;margin:3rem auto}"
				+ "label{display:block;margin:.5rem 0}.error{color:#b00}</style></head><body><h1>" + escape(title)
				+ "</h1>" + body + "</body></html>";
		byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
		exchange.getResponseHeaders().set("Cache-Control", "no-store");
		exchange.getResponseHeaders()
			.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; "
					+ "form-action 'self' http://localhost:* http://127.0.0.1:*; frame-ancestors 'none'");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	private static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
	}

}
