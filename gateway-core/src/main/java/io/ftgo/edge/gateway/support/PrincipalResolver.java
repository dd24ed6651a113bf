package io.ftgo.edge.gateway.support;

import reactor.core.publisher.Mono;

import org.springframework.security.core.Authentication;
import org.springframework.web.server.ServerWebExchange;

import io.ftgo.edge.security.EdgePrincipal;

/**
 * The caller's {@link EdgePrincipal}, resolved once per request: the first reader builds
 * it from the {@link Authentication} and caches it as the exchange attribute
 * {@link EdgeAttributes#PRINCIPAL_ATTR}; every later reader (rate limit, response cache,
 * identity propagation to providers, composed endpoints, the access log) gets the cached
 * one.
 */
public final class PrincipalResolver {

	private PrincipalResolver() {
	}

	/** The principal, or empty for anonymous requests. */
	public static Mono<EdgePrincipal> resolve(ServerWebExchange exchange) {
		EdgePrincipal cached = exchange.getAttribute(EdgeAttributes.PRINCIPAL_ATTR);
		if (cached != null) {
			return Mono.just(cached);
		}
		return exchange.getPrincipal()
			.filter(Authentication.class::isInstance)
			.mapNotNull((principal) -> principal(exchange, (Authentication) principal));
	}

	/**
	 * The principal of {@code authentication}, from the exchange's cache or built and
	 * cached; null when {@code authentication} is null or carries no edge principal.
	 */
	public static EdgePrincipal principal(ServerWebExchange exchange, Authentication authentication) {
		EdgePrincipal cached = exchange.getAttribute(EdgeAttributes.PRINCIPAL_ATTR);
		if (cached != null || authentication == null) {
			return cached;
		}
		exchange.getAttributes().putIfAbsent(EdgeAttributes.AUTHENTICATION_ATTR, authentication);
		EdgePrincipal principal = EdgePrincipal.from(authentication);
		if (principal != null) {
			exchange.getAttributes().put(EdgeAttributes.PRINCIPAL_ATTR, principal);
		}
		return principal;
	}

}
