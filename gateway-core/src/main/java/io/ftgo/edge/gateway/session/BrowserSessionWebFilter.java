package io.ftgo.edge.gateway.session;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.Ordered;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import io.ftgo.edge.gateway.support.EdgeFilterOrder;
import io.ftgo.edge.security.web.Problems;

/**
 * Browser session mode: the BFF endpoints ({@code /bff/login}, {@code /bff/callback},
 * {@code /bff/user}, {@code /bff/logout}, {@code /bff/backchannel-logout}), and, on the
 * API paths, the session cookie turned into the session's access token as an
 * {@code Authorization: Bearer} header, so that the rest of the edge chain
 * (authentication, scopes, limits, token relay to providers) treats a browser exactly as
 * a bearer caller. Runs after header hygiene and before Spring Security.
 * <p>
 * Refused before anything is forwarded: a cross-site state-changing request
 * ({@code Origin} or {@code Sec-Fetch-Site}), a session request without the anti-forgery
 * header (403), a request with both the session cookie and an {@code Authorization}
 * header (400), an unknown or ended session (401). Every answer gets the page's security
 * headers (CSP without inline script, {@code frame-ancestors 'none'}, ...).
 */
public class BrowserSessionWebFilter implements WebFilter, Ordered {

	/** After header hygiene, before authentication. */
	public static final int ORDER = EdgeFilterOrder.HYGIENE + 50;

	/** The {@code /bff/*} endpoints: after the rate limit, before the response cache. */
	public static final int ENDPOINTS_ORDER = EdgeFilterOrder.RATE_LIMIT + 50;

	static final String BACKCHANNEL = "/bff/backchannel-logout";

	/** Exchange attribute: the session of a session-authenticated request. */
	public static final String SESSION_ATTR = BrowserSessionWebFilter.class.getName() + ".session";

	static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
			+ "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
			+ "frame-ancestors 'none'";

	private static final Map<String, String> PAGE_HEADERS = pageHeaders();

	private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
			HttpMethod.TRACE);

	private static final Duration LOGIN_TIMEOUT = Duration.ofMinutes(10);

	private static final Log logger = LogFactory.getLog(BrowserSessionWebFilter.class);

	private final EdgeSessionProperties properties;

	private final SessionStore store;

	private final OidcClient oidc;

	private final Clock clock;

	private final List<PathPattern> apiPaths;

	private final JsonMapper json = JsonMapper.builder().build();

	private final SecureRandom random;

	private final Map<String, Mono<BrowserSession>> refreshing = new ConcurrentHashMap<>();

	BrowserSessionWebFilter(EdgeSessionProperties properties, SessionStore store, OidcClient oidc, Clock clock) {
		this.properties = properties;
		this.store = store;
		this.oidc = oidc;
		this.clock = clock;
		PathPatternParser parser = new PathPatternParser();
		this.apiPaths = properties.apiPaths().stream().map(parser::parse).toList();
		try {
			// A DRBG seeded once here, on the starting thread: later draws are pure
			// computation and never read the entropy device on an event loop.
			this.random = SecureRandom.getInstance("DRBG");
			this.random.nextBytes(new byte[32]);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		ServerHttpResponse response = exchange.getResponse();
		response.beforeCommit(() -> {
			pageHeaders(exchange);
			return Mono.empty();
		});
		String path = request.getPath().pathWithinApplication().value();
		if (!SAFE.contains(request.getMethod()) && !path.equals(BACKCHANNEL) && crossSite(exchange)) {
			return Problems.write(exchange, HttpStatus.FORBIDDEN, "Cross-site requests may not change state.",
					"cross_site_request");
		}
		if (path.startsWith("/bff/")) {
			// Answered by the endpoints filter, after the rate limit.
			noStore(exchange);
			return chain.filter(exchange);
		}
		if (!isApiPath(request)) {
			return chain.filter(exchange);
		}
		HttpCookie cookie = request.getCookies().getFirst(this.properties.cookie().fullName());
		if (cookie == null) {
			return chain.filter(exchange);
		}
		if (request.getHeaders().containsHeader(HttpHeaders.AUTHORIZATION)) {
			return Problems.write(exchange, HttpStatus.BAD_REQUEST,
					"Send either the session cookie or an Authorization header, not both.", "ambiguous_credentials");
		}
		if (!hasCsrfHeader(request)) {
			return csrfMissing(exchange);
		}
		exchange.getResponse().beforeCommit(() -> {
			// A session's answers are for this browser only: never kept by a shared
			// cache (private revalidated answers, e.g. the order page's ETag, stay).
			String cache = exchange.getResponse().getHeaders().getCacheControl();
			if (cache == null || !(cache.contains("private") || cache.contains("no-store"))) {
				exchange.getResponse().getHeaders().setCacheControl("no-store");
			}
			return Mono.empty();
		});
		return lookup(cookie.getValue()).flatMap((found) -> {
			if (found.failure() != null) {
				return storeUnavailable(exchange, found.failure());
			}
			if (found.session().isEmpty()) {
				return noSession(exchange);
			}
			BrowserSession session = found.session().get();
			exchange.getAttributes().put(SESSION_ATTR, session);
			ServerHttpRequest relayed = request.mutate().headers((headers) -> {
				headers.setBearerAuth(session.accessToken());
				withoutCookie(headers, this.properties.cookie().fullName());
			}).build();
			return chain.filter(exchange.mutate().request(relayed).build());
		});
	}

	/**
	 * The {@code /bff/*} endpoints, as a filter of their own that runs after the rate
	 * limit ({@value #ENDPOINTS_ORDER}), so that sign-in attempts are limited like any
	 * anonymous request. Security lets {@code /bff/**} through (a {@code permit-all}
	 * rule); each endpoint checks what it needs itself.
	 */
	public WebFilter endpoints() {
		return new Endpoints();
	}

	private final class Endpoints implements WebFilter, Ordered {

		@Override
		public int getOrder() {
			return ENDPOINTS_ORDER;
		}

		@Override
		public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
			ServerHttpRequest request = exchange.getRequest();
			String path = request.getPath().pathWithinApplication().value();
			if (!path.startsWith("/bff/")) {
				return chain.filter(exchange);
			}
			return switch (path) {
				case "/bff/login" -> get(exchange) ? login(exchange) : notAllowed(exchange);
				case "/bff/callback" -> get(exchange) ? callback(exchange) : notAllowed(exchange);
				case "/bff/user" -> get(exchange) ? user(exchange) : notAllowed(exchange);
				case "/bff/logout" ->
					(request.getMethod() == HttpMethod.POST) ? logout(exchange) : notAllowed(exchange);
				case BACKCHANNEL -> backChannelLogout(exchange);
				default -> Problems.write(exchange, HttpStatus.NOT_FOUND, "No such endpoint.", "not_found");
			};
		}

	}

	// /bff/login?returnTo=/path

	private Mono<Void> login(ServerWebExchange exchange) {
		String returnTo = safeReturnTo(exchange.getRequest().getQueryParams().getFirst("returnTo"));
		if (returnTo == null) {
			return Problems.write(exchange, HttpStatus.BAD_REQUEST,
					"returnTo must be a path on this site, e.g. /orders.", "invalid_return_to");
		}
		String state = randomToken();
		String verifier = randomToken();
		String nonce = randomToken();
		String redirectUri = origin(exchange) + "/bff/callback";
		Map<String, String> pending = Map.of("verifier", verifier, "nonce", nonce, "returnTo", returnTo, "redirectUri",
				redirectUri);
		return this.oidc.endpoints()
			.flatMap((endpoints) -> this.store.put("login:" + hash(state), write(pending), LOGIN_TIMEOUT)
				.then(Mono.defer(() -> {
					Map<String, String> query = new LinkedHashMap<>();
					query.put("response_type", "code");
					query.put("client_id", this.oidc.clientId());
					query.put("redirect_uri", redirectUri);
					query.put("scope", String.join(" ", this.properties.scopes()));
					query.put("state", state);
					query.put("nonce", nonce);
					query.put("code_challenge", s256(verifier));
					query.put("code_challenge_method", "S256");
					exchange.getResponse().addCookie(loginCookie(state, LOGIN_TIMEOUT));
					return redirect(exchange, withQuery(endpoints.authorization(), query));
				})))
			.onErrorResume((ex) -> unavailable(exchange, "login", ex));
	}

	// /bff/callback?code=&state=

	private Mono<Void> callback(ServerWebExchange exchange) {
		ServerHttpRequest request = exchange.getRequest();
		String state = request.getQueryParams().getFirst("state");
		HttpCookie bound = request.getCookies().getFirst(this.properties.cookie().loginName());
		exchange.getResponse().addCookie(loginCookie("", Duration.ZERO));
		if (state == null || bound == null || !MessageDigest.isEqual(state.getBytes(StandardCharsets.UTF_8),
				bound.getValue().getBytes(StandardCharsets.UTF_8))) {
			return Problems.write(exchange, HttpStatus.BAD_REQUEST,
					"This sign-in was not started in this browser, or it expired. Sign in again.", "invalid_state");
		}
		String code = request.getQueryParams().getFirst("code");
		return this.store.take("login:" + hash(state))
			.map(this::read)
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((found) -> {
				if (found.isEmpty()) {
					return Problems.write(exchange, HttpStatus.BAD_REQUEST,
							"This sign-in expired or was already used. Sign in again.", "invalid_state");
				}
				if (code == null) {
					return Problems.write(exchange, HttpStatus.UNAUTHORIZED, "Sign-in was not completed.",
							"login_failed");
				}
				Map<String, String> pending = found.get();
				return this.oidc.exchangeCode(code, pending.get("redirectUri"), pending.get("verifier"))
					.flatMap((tokens) -> (tokens.idToken() == null || tokens.refreshToken() == null)
							? Mono.error(new OidcClient.RefusedException("no ID token or refresh token"))
							: this.oidc.verifyIdToken(tokens.idToken(), pending.get("nonce"))
								.flatMap((idToken) -> start(exchange, idToken, tokens)))
					.then(Mono.defer(() -> redirect(exchange, pending.get("returnTo"))))
					.onErrorResume(OidcClient.RefusedException.class,
							(ex) -> Problems.write(exchange, HttpStatus.UNAUTHORIZED, "Sign-in failed.",
									"login_failed"))
					.onErrorResume((ex) -> unavailable(exchange, "code exchange", ex));
			});
	}

	/** A new session (a new id: an old session cookie never survives a login). */
	private Mono<Void> start(ServerWebExchange exchange, Jwt idToken, OidcClient.Tokens tokens) {
		Instant now = this.clock.instant();
		String id = randomToken();
		Object consumerId = idToken.getClaims().get("consumer_id");
		BrowserSession session = new BrowserSession(idToken.getSubject(),
				idToken.getClaimAsString("preferred_username"), (consumerId != null) ? consumerId.toString() : null,
				idToken.getClaimAsString("sid"), tokens.accessToken(), tokens.accessTokenExpiresAt().getEpochSecond(),
				tokens.refreshToken(), now.getEpochSecond(), expiry(now, now.getEpochSecond()).getEpochSecond());
		HttpCookie previous = exchange.getRequest().getCookies().getFirst(this.properties.cookie().fullName());
		Mono<Void> forgetPrevious = (previous != null) ? this.store.delete("session:" + hash(previous.getValue()))
				: Mono.empty();
		Mono<Void> index = (session.sid() != null)
				? this.store.addToSet("sid:" + session.sid(), hash(id), this.properties.maxLifetime()) : Mono.empty();
		return forgetPrevious.then(save(id, session)).then(index).then(Mono.fromRunnable(() -> {
			exchange.getResponse().addCookie(sessionCookie(id, null));
		}));
	}

	// /bff/user

	private Mono<Void> user(ServerWebExchange exchange) {
		if (!hasCsrfHeader(exchange.getRequest())) {
			return csrfMissing(exchange);
		}
		HttpCookie cookie = exchange.getRequest().getCookies().getFirst(this.properties.cookie().fullName());
		if (cookie == null) {
			return noSession(exchange);
		}
		return lookup(cookie.getValue()).flatMap((found) -> {
			if (found.failure() != null) {
				return storeUnavailable(exchange, found.failure());
			}
			if (found.session().isEmpty()) {
				return noSession(exchange);
			}
			BrowserSession session = found.session().get();
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("sub", session.subject());
			body.put("username", session.username());
			body.put("consumerId", session.consumerId());
			body.put("sessionExpiresAt", Instant.ofEpochSecond(session.expiresAt()).toString());
			body.put("logoutUrl", "/bff/logout");
			return writeJson(exchange, HttpStatus.OK, body);
		});
	}

	// POST /bff/logout

	private Mono<Void> logout(ServerWebExchange exchange) {
		if (!hasCsrfHeader(exchange.getRequest())) {
			return csrfMissing(exchange);
		}
		HttpCookie cookie = exchange.getRequest().getCookies().getFirst(this.properties.cookie().fullName());
		exchange.getResponse().addCookie(sessionCookie("", Duration.ZERO));
		Mono<Void> end = Mono.empty();
		if (cookie != null) {
			String key = "session:" + hash(cookie.getValue());
			end = this.store.take(key)
				.map((text) -> this.json.readValue(text, BrowserSession.class))
				.flatMap((session) -> this.oidc.revoke(session.refreshToken()).onErrorResume((ex) -> {
					logger.warn("Refresh token revocation failed at logout: " + ex.getMessage());
					return Mono.empty();
				}));
		}
		String origin = origin(exchange);
		return end.then(this.oidc.endpoints().map(Optional::of).onErrorReturn(Optional.empty())).flatMap((ep) -> {
			Map<String, Object> body = new LinkedHashMap<>();
			String endSession = ep.map(OidcClient.Endpoints::endSession).orElse(null);
			body.put("endSessionUrl",
					(endSession != null)
							? withQuery(endSession,
									Map.of("client_id", this.oidc.clientId(), "post_logout_redirect_uri", origin + "/"))
							: "/");
			return writeJson(exchange, HttpStatus.OK, body);
		}).onErrorResume((ex) -> unavailable(exchange, "logout", ex));
	}

	// POST /bff/backchannel-logout (from the identity provider, server to server)

	private Mono<Void> backChannelLogout(ServerWebExchange exchange) {
		noStore(exchange);
		if (exchange.getRequest().getMethod() != HttpMethod.POST) {
			return notAllowed(exchange);
		}
		return exchange.getFormData().flatMap((form) -> {
			String token = form.getFirst("logout_token");
			return (token == null) ? Mono.error(new OidcClient.RefusedException("no logout_token"))
					: this.oidc.verifyLogoutToken(token);
		})
			.flatMap((jwt) -> this.store.takeSet("sid:" + jwt.getClaimAsString("sid")))
			.flatMap((keys) -> reactor.core.publisher.Flux.fromIterable(keys)
				.concatMap((key) -> this.store.delete("session:" + key))
				.then(Mono.just(keys.size())))
			.flatMap((ended) -> {
				exchange.getResponse().setStatusCode(HttpStatus.OK);
				return exchange.getResponse().setComplete();
			})
			.onErrorResume((ex) -> {
				exchange.getResponse().setStatusCode(HttpStatus.BAD_REQUEST);
				return writeJson(exchange, HttpStatus.BAD_REQUEST, Map.of("error", "invalid_request"));
			});
	}

	// the session

	/** A session lookup: the session if there is one, or the store's failure. */
	private record Lookup(Optional<BrowserSession> session, Throwable failure) {
	}

	/**
	 * {@link #session(String)}, with a store failure (Redis down) kept apart from "no
	 * session": the caller answers 503, not 401, and the browser keeps its cookie.
	 */
	private Mono<Lookup> lookup(String id) {
		return session(id).map((found) -> new Lookup(Optional.of(found), null))
			.defaultIfEmpty(new Lookup(Optional.empty(), null))
			.onErrorResume((ex) -> Mono.just(new Lookup(Optional.empty(), ex)));
	}

	/**
	 * The live session of a cookie, its access token refreshed when it expires soon and
	 * its idle expiry extended; empty when there is none (unknown, expired, or the
	 * refresh was refused).
	 */
	private Mono<BrowserSession> session(String id) {
		String key = "session:" + hash(id);
		return this.store.get(key).map((text) -> this.json.readValue(text, BrowserSession.class)).flatMap((session) -> {
			Instant now = this.clock.instant();
			if (now.getEpochSecond() >= session.expiresAt()) {
				return this.store.delete(key).then(Mono.empty());
			}
			if (session.accessTokenExpiresAt() - now.getEpochSecond() <= this.properties.refreshBefore().toSeconds()) {
				return refreshed(id, session);
			}
			Instant extended = expiry(now, session.createdAt());
			if (extended.getEpochSecond() - session.expiresAt() >= 60) {
				BrowserSession touched = session.withExpiry(extended.getEpochSecond());
				return save(id, touched).thenReturn(touched);
			}
			return Mono.just(session);
		});
	}

	/** One refresh per session at a time: concurrent requests share its outcome. */
	private Mono<BrowserSession> refreshed(String id, BrowserSession session) {
		return this.refreshing
			.computeIfAbsent(id, (key) -> this.oidc.refresh(session.refreshToken()).flatMap((tokens) -> {
				Instant now = this.clock.instant();
				BrowserSession renewed = session.withTokens(tokens.accessToken(),
						tokens.accessTokenExpiresAt().getEpochSecond(), tokens.refreshToken(),
						expiry(now, session.createdAt()).getEpochSecond());
				return save(id, renewed).thenReturn(renewed);
			})
				.onErrorResume(OidcClient.RefusedException.class,
						(ex) -> this.store.delete("session:" + hash(id)).then(Mono.empty()))
				.doFinally((signal) -> this.refreshing.remove(id))
				.cache())
			.onErrorResume((ex) -> {
				logger.warn("Access token refresh failed: " + ex.getMessage());
				return Mono.empty();
			});
	}

	private Mono<Void> save(String id, BrowserSession session) {
		Duration ttl = Duration.ofSeconds(Math.max(1, session.expiresAt() - this.clock.instant().getEpochSecond()));
		return this.store.put("session:" + hash(id), this.json.writeValueAsString(session), ttl);
	}

	private Instant expiry(Instant now, long createdAt) {
		Instant idle = now.plus(this.properties.idleTimeout());
		Instant absolute = Instant.ofEpochSecond(createdAt).plus(this.properties.maxLifetime());
		return idle.isBefore(absolute) ? idle : absolute;
	}

	// checks

	private boolean isApiPath(ServerHttpRequest request) {
		for (PathPattern pattern : this.apiPaths) {
			if (pattern.matches(request.getPath().pathWithinApplication())) {
				return true;
			}
		}
		return false;
	}

	private boolean hasCsrfHeader(ServerHttpRequest request) {
		String value = request.getHeaders().getFirst(this.properties.csrfHeader());
		return value != null && !value.isBlank();
	}

	/**
	 * A browser's state-changing request from another site: {@code Sec-Fetch-Site} other
	 * than same-origin or none (a user typing the address), or an {@code Origin} that is
	 * not this site's. Callers that send neither (non-browser clients) pass.
	 */
	private boolean crossSite(ServerWebExchange exchange) {
		HttpHeaders headers = exchange.getRequest().getHeaders();
		String site = headers.getFirst("Sec-Fetch-Site");
		if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
			return true;
		}
		String origin = headers.getOrigin();
		return origin != null && !origin.equalsIgnoreCase(origin(exchange));
	}

	/**
	 * A path on this site, or null: starts with one {@code /}, no scheme, no backslash,
	 * no control character, in raw and percent-decoded forms.
	 */
	static String safeReturnTo(String returnTo) {
		if (returnTo == null || returnTo.isEmpty()) {
			return "/";
		}
		if (returnTo.length() > 512) {
			return null;
		}
		String candidate = returnTo;
		for (int round = 0; round < 3; round++) {
			if (!candidate.startsWith("/") || candidate.startsWith("//") || candidate.indexOf('\\') >= 0) {
				return null;
			}
			for (int i = 0; i < candidate.length(); i++) {
				char c = candidate.charAt(i);
				if (c < 0x21 || c == 0x7f) {
					return null;
				}
			}
			String decoded;
			try {
				decoded = URLDecoder.decode(candidate.replace("+", "%2B"), StandardCharsets.UTF_8);
			}
			catch (IllegalArgumentException ex) {
				return null;
			}
			if (decoded.equals(candidate)) {
				URI uri;
				try {
					uri = new URI(returnTo);
				}
				catch (java.net.URISyntaxException ex) {
					return null;
				}
				return (uri.getScheme() == null && uri.getRawAuthority() == null) ? returnTo : null;
			}
			candidate = decoded;
		}
		return null;
	}

	// answers

	private Mono<Void> csrfMissing(ServerWebExchange exchange) {
		return Problems.write(exchange, HttpStatus.FORBIDDEN,
				"Session requests must carry the " + this.properties.csrfHeader() + " header.", "csrf_header_required");
	}

	private Mono<Void> noSession(ServerWebExchange exchange) {
		exchange.getResponse().addCookie(sessionCookie("", Duration.ZERO));
		return Problems.write(exchange, HttpStatus.UNAUTHORIZED, "No session: sign in at /bff/login.", "no_session");
	}

	private Mono<Void> notAllowed(ServerWebExchange exchange) {
		return Problems.write(exchange, HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed here.",
				"method_not_allowed");
	}

	private Mono<Void> storeUnavailable(ServerWebExchange exchange, Throwable ex) {
		logger.warn("Session store failed: " + ex);
		return Problems.write(exchange, HttpStatus.SERVICE_UNAVAILABLE,
				"Sessions are unavailable right now; try again shortly.", "session_store_unavailable");
	}

	private Mono<Void> unavailable(ServerWebExchange exchange, String step, Throwable ex) {
		logger.warn("Session " + step + " failed: " + ex);
		return Problems.write(exchange, HttpStatus.SERVICE_UNAVAILABLE,
				"The identity provider is not reachable; try again shortly.", "identity_provider_unavailable");
	}

	private Mono<Void> redirect(ServerWebExchange exchange, String location) {
		exchange.getResponse().setStatusCode(HttpStatus.FOUND);
		exchange.getResponse().getHeaders().setLocation(URI.create(location));
		return exchange.getResponse().setComplete();
	}

	private Mono<Void> writeJson(ServerWebExchange exchange, HttpStatus status, Map<String, ?> body) {
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(status);
		response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
		byte[] bytes = this.json.writeValueAsBytes(body);
		return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
	}

	private static void noStore(ServerWebExchange exchange) {
		exchange.getResponse().getHeaders().setCacheControl("no-store");
	}

	private static boolean get(ServerWebExchange exchange) {
		return exchange.getRequest().getMethod() == HttpMethod.GET;
	}

	private static void pageHeaders(ServerWebExchange exchange) {
		HttpHeaders headers = exchange.getResponse().getHeaders();
		PAGE_HEADERS.forEach((name, value) -> {
			if (!headers.containsHeader(name)) {
				headers.set(name, value);
			}
		});
		MediaType type = headers.getContentType();
		if (type != null && type.isCompatibleWith(MediaType.TEXT_HTML)) {
			// The page is never kept: after logout, Back reloads it and finds no session.
			headers.setCacheControl("no-store");
		}
	}

	private static Map<String, String> pageHeaders() {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("Content-Security-Policy", CSP);
		headers.put("X-Content-Type-Options", "nosniff");
		headers.put("X-Frame-Options", "DENY");
		headers.put("Referrer-Policy", "no-referrer");
		headers.put("Cross-Origin-Opener-Policy", "same-origin");
		headers.put("Cross-Origin-Resource-Policy", "same-origin");
		headers.put("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
		return headers;
	}

	// cookies, ids, encoding

	private ResponseCookie sessionCookie(String value, Duration maxAge) {
		ResponseCookie.ResponseCookieBuilder cookie = ResponseCookie.from(this.properties.cookie().fullName(), value)
			.httpOnly(true)
			.secure(this.properties.cookie().secure())
			.sameSite("Strict")
			.path("/");
		if (maxAge != null) {
			cookie.maxAge(maxAge);
		}
		return cookie.build();
	}

	/**
	 * Binds the authorization response to the browser that started the login. Lax, not
	 * Strict: the identity provider's redirect back is a cross-site navigation.
	 */
	private ResponseCookie loginCookie(String state, Duration maxAge) {
		return ResponseCookie.from(this.properties.cookie().loginName(), state)
			.httpOnly(true)
			.secure(this.properties.cookie().secure())
			.sameSite("Lax")
			.path("/")
			.maxAge(maxAge)
			.build();
	}

	private static void withoutCookie(HttpHeaders headers, String name) {
		List<String> cookies = headers.get(HttpHeaders.COOKIE);
		if (cookies == null) {
			return;
		}
		StringBuilder kept = new StringBuilder();
		for (String header : cookies) {
			for (String pair : header.split(";")) {
				String trimmed = pair.trim();
				if (!trimmed.isEmpty() && !trimmed.startsWith(name + "=")) {
					kept.append((kept.length() > 0) ? "; " : "").append(trimmed);
				}
			}
		}
		if (kept.length() == 0) {
			headers.remove(HttpHeaders.COOKIE);
		}
		else {
			headers.set(HttpHeaders.COOKIE, kept.toString());
		}
	}

	private String origin(ServerWebExchange exchange) {
		URI origin = (this.properties.publicOrigin() != null) ? this.properties.publicOrigin()
				: exchange.getRequest().getURI();
		String scheme = origin.getScheme().toLowerCase(Locale.ROOT);
		int port = origin.getPort();
		boolean defaultPort = port < 0 || ("http".equals(scheme) && port == 80)
				|| ("https".equals(scheme) && port == 443);
		return scheme + "://" + origin.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
	}

	private String randomToken() {
		byte[] bytes = new byte[32];
		this.random.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/** Store keys are hashes: a dump of the store does not reveal cookie values. */
	private static String hash(String value) {
		return s256(value);
	}

	static String s256(String value) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private String write(Map<String, String> value) {
		return this.json.writeValueAsString(value);
	}

	@SuppressWarnings("unchecked")
	private Map<String, String> read(String text) {
		return this.json.readValue(text, Map.class);
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

}
