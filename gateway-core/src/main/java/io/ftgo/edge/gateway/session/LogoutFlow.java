package io.ftgo.edge.gateway.session;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpCookie;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;

/**
 * Signing out: {@code POST /bff/logout} from the browser ends the session here, revokes
 * its refresh token and answers where to end the identity provider's session;
 * {@code POST /bff/backchannel-logout} from the identity provider (server to server, a
 * signed logout token) ends every session of an identity provider session.
 */
final class LogoutFlow {

	private static final Log logger = LogFactory.getLog(BrowserSessionWebFilter.class);

	private final OidcClient oidc;

	private final SessionRepository sessions;

	private final SessionCookies cookies;

	private final SessionAnswers answers;

	LogoutFlow(OidcClient oidc, SessionRepository sessions, SessionCookies cookies, SessionAnswers answers) {
		this.oidc = oidc;
		this.sessions = sessions;
		this.cookies = cookies;
		this.answers = answers;
	}

	// POST /bff/logout

	Mono<Void> logout(ServerWebExchange exchange) {
		if (!this.answers.hasCsrfHeader(exchange)) {
			return this.answers.csrfMissing(exchange);
		}
		HttpCookie cookie = this.cookies.session(exchange);
		exchange.getResponse().addCookie(this.cookies.clearedSession());
		// The ended session's ID token, for the end-session request's id_token_hint.
		Mono<Optional<String>> end = Mono.just(Optional.empty());
		if (cookie != null) {
			end = this.sessions.take(cookie.getValue())
				.flatMap((session) -> this.oidc.revoke(session.refreshToken()).onErrorResume((ex) -> {
					logger.warn("Refresh token revocation failed at logout: " + ex.getMessage());
					return Mono.empty();
				}).then(Mono.just(Optional.ofNullable(session.idToken()))))
				.defaultIfEmpty(Optional.empty());
		}
		String origin = this.cookies.origin(exchange);
		return end.flatMap(
				(idToken) -> this.oidc.endpoints().map(Optional::of).onErrorReturn(Optional.empty()).flatMap((ep) -> {
					Map<String, Object> body = new LinkedHashMap<>();
					String endSession = ep.map(OidcClient.Endpoints::endSession).orElse(null);
					body.put("endSessionUrl", (endSession != null) ? endSessionUrl(endSession, idToken, origin) : "/");
					return this.answers.json(exchange, HttpStatus.OK, body);
				}))
			.onErrorResume((ex) -> this.answers.identityProviderUnavailable(exchange, "logout", ex));
	}

	/**
	 * OpenID Connect RP-Initiated Logout: {@code id_token_hint} (when the session had an
	 * ID token; Spring Authorization Server refuses the request without it),
	 * {@code client_id} and {@code post_logout_redirect_uri} (this site's {@code /}).
	 */
	private String endSessionUrl(String endSession, Optional<String> idToken, String origin) {
		Map<String, String> params = new LinkedHashMap<>();
		idToken.ifPresent((token) -> params.put("id_token_hint", token));
		params.put("client_id", this.oidc.clientId());
		params.put("post_logout_redirect_uri", origin + "/");
		return LoginFlow.withQuery(endSession, params);
	}

	// POST /bff/backchannel-logout (from the identity provider, server to server)

	Mono<Void> backChannelLogout(ServerWebExchange exchange) {
		SessionAnswers.noStore(exchange);
		if (exchange.getRequest().getMethod() != HttpMethod.POST) {
			return this.answers.notAllowed(exchange);
		}
		return exchange.getFormData().flatMap((form) -> {
			String token = form.getFirst("logout_token");
			return (token == null) ? Mono.error(new OidcClient.RefusedException("no logout_token"))
					: this.oidc.verifyLogoutToken(token);
		}).flatMap((jwt) -> this.sessions.endAllOf(jwt.getClaimAsString("sid"))).flatMap((ended) -> {
			exchange.getResponse().setStatusCode(HttpStatus.OK);
			return exchange.getResponse().setComplete();
		}).onErrorResume((ex) -> {
			exchange.getResponse().setStatusCode(HttpStatus.BAD_REQUEST);
			return this.answers.json(exchange, HttpStatus.BAD_REQUEST, Map.of("error", "invalid_request"));
		});
	}

}
