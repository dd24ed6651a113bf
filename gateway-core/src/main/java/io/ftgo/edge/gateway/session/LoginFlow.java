package io.ftgo.edge.gateway.session;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpCookie;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

import io.ftgo.edge.security.web.Problems;

/**
 * Signing in: {@code GET /bff/login?returnTo=/path} sends the browser to the identity
 * provider (authorization code with PKCE, state bound to the browser by the login cookie,
 * nonce), and {@code GET /bff/callback?code=&state=} exchanges the code, verifies the ID
 * token, starts a new session and sends the browser back where it was going.
 */
final class LoginFlow {

	private final OidcClient oidc;

	private final SessionRepository sessions;

	private final SessionCookies cookies;

	private final SessionAnswers answers;

	private final RandomTokens tokens;

	private final List<String> scopes;

	LoginFlow(OidcClient oidc, SessionRepository sessions, SessionCookies cookies, SessionAnswers answers,
			RandomTokens tokens, List<String> scopes) {
		this.oidc = oidc;
		this.sessions = sessions;
		this.cookies = cookies;
		this.answers = answers;
		this.tokens = tokens;
		this.scopes = scopes;
	}

	// /bff/login?returnTo=/path

	Mono<Void> login(ServerWebExchange exchange) {
		String returnTo = safeReturnTo(exchange.getRequest().getQueryParams().getFirst("returnTo"));
		if (returnTo == null) {
			return Problems.write(exchange, HttpStatus.BAD_REQUEST,
					"returnTo must be a path on this site, e.g. /orders.", "invalid_return_to");
		}
		String state = this.tokens.next();
		String verifier = this.tokens.next();
		String nonce = this.tokens.next();
		String redirectUri = this.cookies.origin(exchange) + "/bff/callback";
		Map<String, String> pending = Map.of("verifier", verifier, "nonce", nonce, "returnTo", returnTo, "redirectUri",
				redirectUri);
		return this.oidc.endpoints()
			.flatMap((endpoints) -> this.sessions.putLogin(state, pending).then(Mono.defer(() -> {
				Map<String, String> query = new LinkedHashMap<>();
				query.put("response_type", "code");
				query.put("client_id", this.oidc.clientId());
				query.put("redirect_uri", redirectUri);
				query.put("scope", String.join(" ", this.scopes));
				query.put("state", state);
				query.put("nonce", nonce);
				query.put("code_challenge", RandomTokens.s256(verifier));
				query.put("code_challenge_method", "S256");
				exchange.getResponse().addCookie(this.cookies.login(state, this.sessions.loginTimeout()));
				return this.answers.redirect(exchange, withQuery(endpoints.authorization(), query));
			})))
			.onErrorResume((ex) -> this.answers.identityProviderUnavailable(exchange, "login", ex));
	}

	// /bff/callback?code=&state=

	Mono<Void> callback(ServerWebExchange exchange) {
		ServerHttpRequest request = exchange.getRequest();
		String state = request.getQueryParams().getFirst("state");
		HttpCookie bound = this.cookies.login(exchange);
		exchange.getResponse().addCookie(this.cookies.login("", Duration.ZERO));
		if (state == null || bound == null || !MessageDigest.isEqual(state.getBytes(StandardCharsets.UTF_8),
				bound.getValue().getBytes(StandardCharsets.UTF_8))) {
			return Problems.write(exchange, HttpStatus.BAD_REQUEST,
					"This sign-in was not started in this browser, or it expired. Sign in again.", "invalid_state");
		}
		String code = request.getQueryParams().getFirst("code");
		return this.sessions.takeLogin(state).map(Optional::of).defaultIfEmpty(Optional.empty()).flatMap((found) -> {
			if (found.isEmpty()) {
				return Problems.write(exchange, HttpStatus.BAD_REQUEST,
						"This sign-in expired or was already used. Sign in again.", "invalid_state");
			}
			if (code == null) {
				return Problems.write(exchange, HttpStatus.UNAUTHORIZED, "Sign-in was not completed.", "login_failed");
			}
			Map<String, String> pending = found.get();
			return this.oidc.exchangeCode(code, pending.get("redirectUri"), pending.get("verifier"))
				.flatMap((tokens) -> (tokens.idToken() == null || tokens.refreshToken() == null)
						? Mono.error(new OidcClient.RefusedException("no ID token or refresh token"))
						: this.oidc.verifyIdToken(tokens.idToken(), pending.get("nonce"))
							.flatMap((idToken) -> start(exchange, idToken, tokens)))
				.then(Mono.defer(() -> this.answers.redirect(exchange, pending.get("returnTo"))))
				.onErrorResume(OidcClient.RefusedException.class,
						(ex) -> Problems.write(exchange, HttpStatus.UNAUTHORIZED, "Sign-in failed.", "login_failed"))
				.onErrorResume((ex) -> this.answers.identityProviderUnavailable(exchange, "code exchange", ex));
		});
	}

	/** A new session and its cookie. */
	private Mono<Void> start(ServerWebExchange exchange, org.springframework.security.oauth2.jwt.Jwt idToken,
			OidcClient.Tokens tokens) {
		HttpCookie previous = this.cookies.session(exchange);
		return this.sessions.create((previous != null) ? previous.getValue() : null, idToken, tokens)
			.doOnNext((id) -> exchange.getResponse().addCookie(this.cookies.session(id)))
			.then();
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

	/** {@code uri} with {@code params} added to its query, form-encoded. */
	static String withQuery(String uri, Map<String, String> params) {
		StringBuilder target = new StringBuilder(uri).append(uri.contains("?") ? '&' : '?');
		params.forEach((name, value) -> target.append(URLEncoder.encode(name, StandardCharsets.UTF_8))
			.append('=')
			.append(URLEncoder.encode(value, StandardCharsets.UTF_8))
			.append('&'));
		target.setLength(target.length() - 1);
		return target.toString();
	}

}
