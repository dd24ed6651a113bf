package io.ftgo.edge.gateway.session;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

import io.ftgo.edge.security.web.Problems;

/**
 * What the session rooms answer: their problems (problem+json through {@link Problems}),
 * redirects, small JSON bodies, and the page's security headers on every answer of a
 * session-mode BFF.
 */
final class SessionAnswers {

	static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
			+ "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
			+ "frame-ancestors 'none'";

	private static final Map<String, String> PAGE_HEADERS = pageHeaders();

	private static final Log logger = LogFactory.getLog(BrowserSessionWebFilter.class);

	private final SessionCookies cookies;

	private final String csrfHeader;

	private final JsonMapper json;

	SessionAnswers(SessionCookies cookies, String csrfHeader, JsonMapper json) {
		this.cookies = cookies;
		this.csrfHeader = csrfHeader;
		this.json = json;
	}

	/** Whether the request carries the anti-forgery header. */
	boolean hasCsrfHeader(ServerWebExchange exchange) {
		String value = exchange.getRequest().getHeaders().getFirst(this.csrfHeader);
		return value != null && !value.isBlank();
	}

	Mono<Void> csrfMissing(ServerWebExchange exchange) {
		return Problems.write(exchange, HttpStatus.FORBIDDEN,
				"Session requests must carry the " + this.csrfHeader + " header.", "csrf_header_required");
	}

	/** 401, and the browser's session cookie is cleared. */
	Mono<Void> noSession(ServerWebExchange exchange) {
		exchange.getResponse().addCookie(this.cookies.clearedSession());
		return Problems.write(exchange, HttpStatus.UNAUTHORIZED, "No session: sign in at /bff/login.", "no_session");
	}

	Mono<Void> notAllowed(ServerWebExchange exchange) {
		return Problems.write(exchange, HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed here.",
				"method_not_allowed");
	}

	/** 503: the store failed (the browser keeps its cookie). */
	Mono<Void> storeUnavailable(ServerWebExchange exchange, Throwable ex) {
		logger.warn("Session store failed: " + ex);
		return Problems.write(exchange, HttpStatus.SERVICE_UNAVAILABLE,
				"Sessions are unavailable right now; try again shortly.", "session_store_unavailable");
	}

	/** 503: the identity provider failed at {@code step}. */
	Mono<Void> identityProviderUnavailable(ServerWebExchange exchange, String step, Throwable ex) {
		logger.warn("Session " + step + " failed: " + ex);
		return Problems.write(exchange, HttpStatus.SERVICE_UNAVAILABLE,
				"The identity provider is not reachable; try again shortly.", "identity_provider_unavailable");
	}

	Mono<Void> redirect(ServerWebExchange exchange, String location) {
		exchange.getResponse().setStatusCode(HttpStatus.FOUND);
		exchange.getResponse().getHeaders().setLocation(URI.create(location));
		return exchange.getResponse().setComplete();
	}

	Mono<Void> json(ServerWebExchange exchange, HttpStatus status, Map<String, ?> body) {
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(status);
		response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
		byte[] bytes = this.json.writeValueAsBytes(body);
		return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
	}

	static void noStore(ServerWebExchange exchange) {
		exchange.getResponse().getHeaders().setCacheControl("no-store");
	}

	/**
	 * The page's security headers (CSP without inline script, {@code frame-ancestors
	 * 'none'}, ...) where the answer has none of its own; an HTML page is never kept.
	 */
	static void pageHeaders(ServerWebExchange exchange) {
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

}
