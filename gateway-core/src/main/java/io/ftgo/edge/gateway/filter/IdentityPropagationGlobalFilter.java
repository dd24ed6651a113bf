package io.ftgo.edge.gateway.filter;

import java.util.Optional;

import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.security.core.Authentication;
import org.springframework.web.server.ServerWebExchange;

import io.ftgo.edge.security.IdentityPropagation;

/**
 * Sets what identity a proxied provider sees: inbound copies of the managed headers go,
 * then the caller's bearer token and configured identity headers come from the
 * authenticated principal ({@link IdentityPropagation}).
 */
public class IdentityPropagationGlobalFilter implements GlobalFilter, Ordered {

	/**
	 * Late, so no route filter can add the headers back, but before the routing filters.
	 */
	public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 1000;

	private final IdentityPropagation propagation;

	public IdentityPropagationGlobalFilter(IdentityPropagation propagation) {
		this.propagation = propagation;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		return exchange.getPrincipal()
			.filter(Authentication.class::isInstance)
			.map(Authentication.class::cast)
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((authentication) -> chain.filter(mutate(exchange, authentication.orElse(null))));
	}

	private ServerWebExchange mutate(ServerWebExchange exchange, Authentication authentication) {
		return exchange.mutate()
			.request(exchange.getRequest()
				.mutate()
				.headers((headers) -> this.propagation.apply(authentication, headers))
				.build())
			.build();
	}

}
