package io.ftgo.edge.gateway.filter;

import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.security.core.Authentication;
import org.springframework.web.server.ServerWebExchange;

/**
 * Makes the caller's {@link Authentication} available to
 * {@link ProviderRequestHeadersFilter}, which runs synchronously while the outbound
 * request is written and so cannot resolve the reactive principal itself.
 */
public class CaptureAuthenticationGlobalFilter implements GlobalFilter, Ordered {

	/** Before the routing filters. */
	public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 1000;

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		return exchange.getPrincipal().doOnNext((principal) -> {
			if (principal instanceof Authentication authentication) {
				exchange.getAttributes().put(ProviderRequestHeadersFilter.AUTHENTICATION_ATTR, authentication);
			}
		}).then(Mono.defer(() -> chain.filter(exchange)));
	}

}
