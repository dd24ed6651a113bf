package io.ftgo.edge.gateway.support;

import reactor.core.publisher.Mono;

import org.springframework.security.core.Authentication;
import org.springframework.web.server.ServerWebExchange;

import io.ftgo.edge.security.EdgePrincipal;

/** The caller's {@link EdgePrincipal} from the exchange, once security has run. */
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
			.mapNotNull((principal) -> EdgePrincipal.from((Authentication) principal))
			.doOnNext((principal) -> exchange.getAttributes().put(EdgeAttributes.PRINCIPAL_ATTR, principal));
	}

}
