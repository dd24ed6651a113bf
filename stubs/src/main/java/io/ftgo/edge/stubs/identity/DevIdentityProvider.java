package io.ftgo.edge.stubs.identity;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A development OpenID Connect identity provider for FTGO, served over real HTTP.
 * <p>
 * Endpoints: {@code GET /.well-known/openid-configuration} (also under
 * {@code /.well-known/oauth-authorization-server}), {@code GET /oauth2/jwks} and
 * {@code POST /oauth2/token} with these grants:
 * <ul>
 * <li>{@code client_credentials} for partner clients ({@link DevIdentities#PARTNERS}):
 * subject = client id, scope {@code partner}, claim {@code restaurant_ids} binds the
 * partner to its restaurants, claim {@code tier} names its rate-limit tier;</li>
 * <li>{@code password}, dev only, for the demo users ({@link DevIdentities#USERS}):
 * subject = consumer id, scopes {@code web mobile}, claims {@code consumer_id} and
 * {@code preferred_username}.</li>
 * <li>{@code authorization_code} with PKCE (S256) and {@code refresh_token}, for the
 * confidential clients of {@link DevIdentities#CLIENTS} (bff-web): {@code GET
 * /oauth2/authorize} shows a login form (no consent) unless the browser has a
 * single-sign-on session, then redirects back with a code; the token answer has an access
 * token (as the password grant's, plus {@code sid} and {@code client_id}), an
 * {@code id_token} (audience = client id, {@code nonce}, {@code sid}) and a refresh
 * token. {@code POST /oauth2/revoke} revokes a refresh token; {@code GET /oauth2/logout}
 * (the end-session endpoint) ends the single-sign-on session and sends a back-channel
 * logout token to each client of that session.</li>
 * </ul>
 * Tokens are RS256 JWTs with a {@code kid}. {@link #rotateKeys()} switches signing to a
 * new key while the previous one stays published until {@link #retirePreviousKeys()}.
 * <p>
 * Not for production: no consent, loopback redirect URIs match on any port, in-memory
 * keys and sessions.
 */
public final class DevIdentityProvider implements AutoCloseable {

	/**
	 * Default audience of issued tokens; the BFFs expect it unless configured otherwise.
	 */
	public static final String DEFAULT_AUDIENCE = "ftgo-edge";

	/** Default fixed port, as in docs/architecture.md ("Run modes"). */
	public static final int DEFAULT_PORT = 9090;

	private final HttpServer server;

	private final String issuer;

	private final String audience;

	private final Duration tokenLifetime;

	private final Clock clock;

	private final List<RSAKey> published = new CopyOnWriteArrayList<>();

	private volatile RSAKey signingKey;

	private final AtomicInteger keyGeneration = new AtomicInteger(1);

	private final AtomicInteger jwksRequests = new AtomicInteger();

	private final AtomicInteger tokenRequests = new AtomicInteger();

	private final AtomicBoolean jwksAvailable = new AtomicBoolean(true);

	private final AuthorizationCodeFlow browserFlow;

	private DevIdentityProvider(Builder builder) throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(builder.host, builder.port), 64);
		int port = this.server.getAddress().getPort();
		this.issuer = (builder.issuer != null) ? builder.issuer : "http://localhost:" + port;
		this.audience = builder.audience;
		this.tokenLifetime = builder.tokenLifetime;
		this.clock = builder.clock;
		this.signingKey = TokenMinter.newRsaKey("dev-key-1");
		this.published.add(this.signingKey);
		this.browserFlow = new AuthorizationCodeFlow(this.issuer, this::minter, this.clock, this.tokenLifetime);
		this.server.setExecutor(Executors.newFixedThreadPool(4, (runnable) -> {
			Thread thread = new Thread(runnable, "dev-identity-" + port);
			thread.setDaemon(true);
			return thread;
		}));
		this.server.createContext("/.well-known/openid-configuration", this::discovery);
		this.server.createContext("/.well-known/oauth-authorization-server", this::discovery);
		this.server.createContext("/oauth2/jwks", this::jwks);
		this.server.createContext("/oauth2/token", this::token);
		this.server.createContext("/oauth2/authorize", this.browserFlow::authorize);
		this.server.createContext("/oauth2/revoke", this.browserFlow::revoke);
		this.server.createContext("/oauth2/logout", this.browserFlow::endSession);
		this.server.createContext("/", (exchange) -> error(exchange, 404, "not_found", "No such endpoint"));
		this.server.start();
	}

	/**
	 * A builder with the defaults: port 9090, issuer http://localhost:{port}, audience
	 * ftgo-edge, 1 h tokens.
	 */
	public static Builder builder() {
		return new Builder();
	}

	/** Starts a provider on a random free port with the default settings (for tests). */
	public static DevIdentityProvider startOnRandomPort() {
		return builder().port(0).start();
	}

	public String issuer() {
		return this.issuer;
	}

	public String audience() {
		return this.audience;
	}

	public int port() {
		return this.server.getAddress().getPort();
	}

	/** The base URL the server listens on, e.g. {@code http://localhost:9090}. */
	public String baseUrl() {
		return "http://localhost:" + port();
	}

	public URI jwksUri() {
		return URI.create(baseUrl() + "/oauth2/jwks");
	}

	public URI tokenUri() {
		return URI.create(baseUrl() + "/oauth2/token");
	}

	/** The key that signs tokens now (public and private parts). */
	public RSAKey signingKey() {
		return this.signingKey;
	}

	/** The public key set served at {@link #jwksUri()}. */
	public JWKSet publicKeys() {
		return new JWKSet(new ArrayList<JWK>(this.published)).toPublicJWKSet();
	}

	/**
	 * Signs new tokens with a fresh key; the previous keys stay published (the overlap),
	 * so tokens already issued keep verifying.
	 * @return the new signing key
	 */
	public RSAKey rotateKeys() {
		RSAKey next = TokenMinter.newRsaKey("dev-key-" + this.keyGeneration.incrementAndGet());
		this.published.add(next);
		this.signingKey = next;
		return next;
	}

	/** Ends the overlap: only the current signing key stays published. */
	public void retirePreviousKeys() {
		this.published.removeIf((key) -> !key.getKeyID().equals(this.signingKey.getKeyID()));
	}

	/**
	 * Makes the JWKS endpoint answer 503 (false) or serve keys again (true): an outage.
	 */
	public void jwksAvailable(boolean available) {
		this.jwksAvailable.set(available);
	}

	/** How many times the JWKS endpoint was asked for keys. */
	public int jwksRequests() {
		return this.jwksRequests.get();
	}

	/** How many token requests were received (any outcome). */
	public int tokenRequests() {
		return this.tokenRequests.get();
	}

	/** How many refresh tokens were revoked at {@code /oauth2/revoke}. */
	public int revocations() {
		return this.browserFlow.revocations();
	}

	/** How many refresh-token grants were answered with new tokens. */
	public int refreshGrants() {
		return this.browserFlow.refreshGrants();
	}

	/** How many back-channel logout calls clients answered with 2xx. */
	public int backChannelLogouts() {
		return this.browserFlow.backChannelDeliveries();
	}

	/** The refresh tokens of a user that are still valid (neither revoked nor ended). */
	public int activeRefreshTokens(String username) {
		return this.browserFlow.activeRefreshTokens(username);
	}

	/**
	 * Ends every single-sign-on session of a user as an administrator would: refresh
	 * tokens revoked and a back-channel logout sent to each client of those sessions.
	 * @return how many back-channel logout calls were answered with 2xx
	 */
	public int endSessionsOf(String username) {
		return this.browserFlow.endSessionsOf(username);
	}

	/** A minter for tokens of this issuer and audience, signed with the current key. */
	public TokenMinter minter() {
		return new TokenMinter(this.issuer, this.audience, this.signingKey, this.clock, this.tokenLifetime);
	}

	/** Runs the password grant in-process: a signed token for a demo user. */
	public String passwordGrant(String username, String password) {
		DevIdentities.User user = DevIdentities.USERS.get(username);
		if (user == null || !user.password().equals(password)) {
			throw new IllegalArgumentException("unknown user or wrong password: " + username);
		}
		return minter().forConsumer(user.consumerId(), user.scopes().toArray(String[]::new))
			.claim("preferred_username", user.username())
			.sign();
	}

	/**
	 * Runs the client-credentials grant in-process: a signed token for a partner client.
	 */
	public String clientCredentialsGrant(String clientId, String secret) {
		DevIdentities.Partner partner = DevIdentities.PARTNERS.get(clientId);
		if (partner == null || !partner.secret().equals(secret)) {
			throw new IllegalArgumentException("unknown client or wrong secret: " + clientId);
		}
		return partnerToken(partner, partner.scopes());
	}

	private String partnerToken(DevIdentities.Partner partner, Set<String> scopes) {
		return minter().forPartner(partner.clientId(), partner.tier(), partner.restaurantIds())
			.scope(scopes.toArray(String[]::new))
			.sign();
	}

	@Override
	public void close() {
		this.server.stop(0);
		((java.util.concurrent.ExecutorService) this.server.getExecutor()).shutdownNow();
	}

	private void discovery(HttpExchange exchange) throws IOException {
		if (!"GET".equals(exchange.getRequestMethod())) {
			error(exchange, 405, "invalid_request", "Use GET");
			return;
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("issuer", this.issuer);
		body.put("jwks_uri", jwksUri().toString());
		body.put("token_endpoint", tokenUri().toString());
		body.put("authorization_endpoint", baseUrl() + "/oauth2/authorize");
		body.put("revocation_endpoint", baseUrl() + "/oauth2/revoke");
		body.put("end_session_endpoint", baseUrl() + "/oauth2/logout");
		body.put("backchannel_logout_supported", true);
		body.put("backchannel_logout_session_supported", true);
		body.put("code_challenge_methods_supported", List.of("S256"));
		body.put("grant_types_supported",
				List.of("client_credentials", "password", "authorization_code", "refresh_token"));
		body.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
		body.put("response_types_supported", List.of("code"));
		body.put("subject_types_supported", List.of("public"));
		body.put("id_token_signing_alg_values_supported", List.of("RS256"));
		body.put("scopes_supported", List.of("openid", "web", "mobile", "partner"));
		json(exchange, 200, body);
	}

	private void jwks(HttpExchange exchange) throws IOException {
		this.jwksRequests.incrementAndGet();
		if (!this.jwksAvailable.get()) {
			error(exchange, 503, "temporarily_unavailable", "JWKS outage (simulated)");
			return;
		}
		json(exchange, 200, publicKeys().toJSONObject(true));
	}

	private void token(HttpExchange exchange) throws IOException {
		this.tokenRequests.incrementAndGet();
		if (!"POST".equals(exchange.getRequestMethod())) {
			error(exchange, 405, "invalid_request", "Use POST with application/x-www-form-urlencoded");
			return;
		}
		Map<String, String> form = parseForm(exchange.getRequestBody());
		String grantType = form.get("grant_type");
		if (grantType == null) {
			error(exchange, 400, "invalid_request", "grant_type is required (client_credentials or password)");
		}
		else if (grantType.equals("client_credentials")) {
			clientCredentials(exchange, form);
		}
		else if (grantType.equals("password")) {
			password(exchange, form);
		}
		else if (grantType.equals("authorization_code")) {
			this.browserFlow.authorizationCodeGrant(exchange, form);
		}
		else if (grantType.equals("refresh_token")) {
			this.browserFlow.refreshTokenGrant(exchange, form);
		}
		else {
			error(exchange, 400, "unsupported_grant_type",
					"Supported: client_credentials, password, authorization_code, refresh_token");
		}
	}

	private void clientCredentials(HttpExchange exchange, Map<String, String> form) throws IOException {
		String[] credentials = basicCredentials(exchange);
		String clientId = (credentials != null) ? credentials[0] : form.get("client_id");
		String secret = (credentials != null) ? credentials[1] : form.get("client_secret");
		DevIdentities.Partner partner = (clientId != null) ? DevIdentities.PARTNERS.get(clientId) : null;
		if (partner == null || secret == null || !partner.secret().equals(secret)) {
			exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"ftgo-dev\"");
			error(exchange, 401, "invalid_client", "Unknown client or wrong secret");
			return;
		}
		Set<String> scopes = requestedScopes(form, partner.scopes());
		if (scopes == null) {
			error(exchange, 400, "invalid_scope", "Allowed scopes: " + String.join(" ", partner.scopes()));
			return;
		}
		issued(exchange, partnerToken(partner, scopes), scopes);
	}

	private void password(HttpExchange exchange, Map<String, String> form) throws IOException {
		String username = form.get("username");
		String password = form.get("password");
		if (username == null || password == null) {
			error(exchange, 400, "invalid_request", "username and password are required");
			return;
		}
		DevIdentities.User user = DevIdentities.USERS.get(username);
		if (user == null || !user.password().equals(password)) {
			error(exchange, 400, "invalid_grant", "Unknown user or wrong password");
			return;
		}
		Set<String> scopes = requestedScopes(form, user.scopes());
		if (scopes == null) {
			error(exchange, 400, "invalid_scope", "Allowed scopes: " + String.join(" ", user.scopes()));
			return;
		}
		String token = minter().forConsumer(user.consumerId(), scopes.toArray(String[]::new))
			.claim("preferred_username", user.username())
			.sign();
		issued(exchange, token, scopes);
	}

	private void issued(HttpExchange exchange, String token, Set<String> scopes) throws IOException {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("access_token", token);
		body.put("token_type", "Bearer");
		body.put("expires_in", this.tokenLifetime.toSeconds());
		body.put("scope", String.join(" ", scopes));
		exchange.getResponseHeaders().add("Cache-Control", "no-store");
		json(exchange, 200, body);
	}

	/**
	 * The requested scopes if all are allowed, all allowed scopes if none requested, else
	 * null.
	 */
	private static Set<String> requestedScopes(Map<String, String> form, Set<String> allowed) {
		String requested = form.get("scope");
		if (requested == null || requested.isBlank()) {
			return allowed;
		}
		Set<String> scopes = new java.util.LinkedHashSet<>(List.of(requested.trim().split("\\s+")));
		return allowed.containsAll(scopes) ? scopes : null;
	}

	static String[] basicCredentials(HttpExchange exchange) {
		String header = exchange.getRequestHeaders().getFirst("Authorization");
		if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
			return null;
		}
		try {
			String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
			int colon = decoded.indexOf(':');
			if (colon < 0) {
				return null;
			}
			return new String[] { urlDecode(decoded.substring(0, colon)), urlDecode(decoded.substring(colon + 1)) };
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	static Map<String, String> parseForm(InputStream body) throws IOException {
		// Bounded: a token request is small; anything larger is not a form we serve.
		byte[] bytes = body.readNBytes(16 * 1024);
		return parseQuery(new String(bytes, StandardCharsets.UTF_8));
	}

	static Map<String, String> parseQuery(String query) {
		Map<String, String> form = new LinkedHashMap<>();
		if (query == null) {
			return form;
		}
		for (String pair : query.split("&")) {
			if (pair.isEmpty()) {
				continue;
			}
			int eq = pair.indexOf('=');
			String name = urlDecode((eq < 0) ? pair : pair.substring(0, eq));
			String value = (eq < 0) ? "" : urlDecode(pair.substring(eq + 1));
			form.putIfAbsent(name, value);
		}
		return form;
	}

	private static String urlDecode(String value) {
		return URLDecoder.decode(value, StandardCharsets.UTF_8);
	}

	static void noStore(HttpExchange exchange) {
		exchange.getResponseHeaders().add("Cache-Control", "no-store");
	}

	static void error(HttpExchange exchange, int status, String error, String description) throws IOException {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("error", error);
		body.put("error_description", description);
		json(exchange, status, body);
	}

	static void json(HttpExchange exchange, int status, Map<String, Object> body) throws IOException {
		byte[] bytes = JSONObjectUtils.toJSONString(body).getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	/** Settings of a {@link DevIdentityProvider}. */
	public static final class Builder {

		private String host = "127.0.0.1";

		private int port = DEFAULT_PORT;

		private String issuer;

		private String audience = DEFAULT_AUDIENCE;

		private Duration tokenLifetime = Duration.ofHours(1);

		private Clock clock = Clock.systemUTC();

		private Builder() {
		}

		/** The port to listen on; 0 picks a free one. */
		public Builder port(int port) {
			if (port < 0 || port > 65535) {
				throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
			}
			this.port = port;
			return this;
		}

		/** The address to bind (default 127.0.0.1; 0.0.0.0 for a demo cluster). */
		public Builder host(String host) {
			this.host = host;
			return this;
		}

		/**
		 * The {@code iss} of issued tokens and discovery; default
		 * {@code http://localhost:{port}}.
		 */
		public Builder issuer(String issuer) {
			if (issuer == null || issuer.isBlank()) {
				throw new IllegalArgumentException("issuer: '" + issuer + "' (expected: a URL)");
			}
			this.issuer = issuer;
			return this;
		}

		/**
		 * The {@code aud} of issued tokens; default
		 * {@value DevIdentityProvider#DEFAULT_AUDIENCE}.
		 */
		public Builder audience(String audience) {
			if (audience == null || audience.isBlank()) {
				throw new IllegalArgumentException("audience: '" + audience + "' (expected: not blank)");
			}
			this.audience = audience;
			return this;
		}

		/** How long issued tokens live; default 1 hour. */
		public Builder tokenLifetime(Duration lifetime) {
			if (lifetime == null || lifetime.isNegative() || lifetime.isZero()) {
				throw new IllegalArgumentException("tokenLifetime: " + lifetime + " (expected: > 0)");
			}
			this.tokenLifetime = lifetime;
			return this;
		}

		/** The clock for iat/nbf/exp (tests inject a fixed one). */
		public Builder clock(Clock clock) {
			this.clock = clock;
			return this;
		}

		public DevIdentityProvider start() {
			try {
				return new DevIdentityProvider(this);
			}
			catch (IOException ex) {
				throw new IllegalStateException("Dev identity provider could not listen on " + this.host + ":"
						+ this.port + " (is the port in use?): " + ex.getMessage(), ex);
			}
		}

	}

}
