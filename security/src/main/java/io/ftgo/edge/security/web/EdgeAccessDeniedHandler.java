package io.ftgo.edge.security.web;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.server.ServerWebExchange;

/**
 * 403 answers: problem+json and, for bearer callers, {@code error="insufficient_scope"}
 * (RFC 6750).
 */
public final class EdgeAccessDeniedHandler implements ServerAccessDeniedHandler {

	private final String realm;

	public EdgeAccessDeniedHandler(String realm) {
		this.realm = realm;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException denied) {
		return Mono.defer(() -> {
			exchange.getResponse()
				.getHeaders()
				.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"" + this.realm
						+ "\", error=\"insufficient_scope\", error_description=\"The token lacks the scope this endpoint needs\"");
			return Problems.write(exchange, HttpStatus.FORBIDDEN, "The credentials lack the scope this endpoint needs",
					"insufficient_scope");
		});
	}

}
