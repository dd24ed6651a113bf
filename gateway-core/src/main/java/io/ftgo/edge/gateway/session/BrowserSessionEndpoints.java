package io.ftgo.edge.gateway.session;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpCookie;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import io.ftgo.edge.gateway.pipeline.EdgeChainLink;
import io.ftgo.edge.gateway.pipeline.EdgeLinkType;
import io.ftgo.edge.gateway.pipeline.PathOverlap;
import io.ftgo.edge.security.web.Problems;

/**
 * The {@code /bff/*} endpoints, as a filter of their own that runs after the rate limit
 * ({@link EdgeLinkType#SESSION_ENDPOINTS}), so that sign-in attempts are limited like any
 * anonymous request. Security lets {@code /bff/**} through (a {@code permit-all} rule);
 * each endpoint checks what it needs itself. Sign-in is the {@link LoginFlow}'s, sign-out
 * the {@link LogoutFlow}'s; {@code GET /bff/user} is answered here.
 */
final class BrowserSessionEndpoints implements EdgeChainLink {

	static final String BACKCHANNEL = "/bff/backchannel-logout";

	private final LoginFlow login;

	private final LogoutFlow logout;

	private final LiveSessions sessions;

	private final SessionCookies cookies;

	private final SessionAnswers answers;

	BrowserSessionEndpoints(LoginFlow login, LogoutFlow logout, LiveSessions sessions, SessionCookies cookies,
			SessionAnswers answers) {
		this.login = login;
		this.logout = logout;
		this.sessions = sessions;
		this.cookies = cookies;
		this.answers = answers;
	}

	@Override
	public EdgeLinkType linkType() {
		return EdgeLinkType.SESSION_ENDPOINTS;
	}

	/** Only paths under {@code /bff/}. */
	@Override
	public boolean appliesTo(String pathPattern) {
		return PathOverlap.mayOverlapPrefix(pathPattern, "/bff/");
	}

	@Override
	public Map<String, Object> settings(List<String> pathPatterns) {
		return Map.of("paths",
				java.util.List.of("/bff/login", "/bff/callback", "/bff/user", "/bff/logout", BACKCHANNEL));
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String path = exchange.getRequest().getPath().pathWithinApplication().value();
		if (!path.startsWith("/bff/")) {
			return chain.filter(exchange);
		}
		HttpMethod method = exchange.getRequest().getMethod();
		return switch (path) {
			case "/bff/login" -> (method == HttpMethod.GET) ? this.login.login(exchange) : notAllowed(exchange);
			case "/bff/callback" -> (method == HttpMethod.GET) ? this.login.callback(exchange) : notAllowed(exchange);
			case "/bff/user" -> (method == HttpMethod.GET) ? user(exchange) : notAllowed(exchange);
			case "/bff/logout" -> (method == HttpMethod.POST) ? this.logout.logout(exchange) : notAllowed(exchange);
			case BACKCHANNEL -> this.logout.backChannelLogout(exchange);
			default -> Problems.write(exchange, HttpStatus.NOT_FOUND, "No such endpoint.", "not_found");
		};
	}

	private Mono<Void> notAllowed(ServerWebExchange exchange) {
		return this.answers.notAllowed(exchange);
	}

	// GET /bff/user

	private Mono<Void> user(ServerWebExchange exchange) {
		if (!this.answers.hasCsrfHeader(exchange)) {
			return this.answers.csrfMissing(exchange);
		}
		HttpCookie cookie = this.cookies.session(exchange);
		if (cookie == null) {
			return this.answers.noSession(exchange);
		}
		return this.sessions.lookup(cookie.getValue()).flatMap((found) -> {
			if (found.failure() != null) {
				return this.answers.storeUnavailable(exchange, found.failure());
			}
			if (found.session().isEmpty()) {
				return this.answers.noSession(exchange);
			}
			BrowserSession session = found.session().get();
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("sub", session.subject());
			body.put("username", session.username());
			body.put("consumerId", session.consumerId());
			body.put("sessionExpiresAt", Instant.ofEpochSecond(session.expiresAt()).toString());
			body.put("logoutUrl", "/bff/logout");
			return this.answers.json(exchange, HttpStatus.OK, body);
		});
	}

}
