package io.ftgo.edge.security.config;

import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;

/**
 * The edge's security chain: Spring Security's filters as {@code ServerHttpSecurity}
 * built them (less the ones that do nothing for a stateless edge), for every exchange.
 * Its filters are known at start-up ({@link #filters()}), so the edge pipeline can run
 * them without choosing a chain per request.
 */
public final class EdgeSecurityWebFilterChain implements SecurityWebFilterChain {

	private static final Mono<Boolean> MATCHES = Mono.just(true);

	private final List<WebFilter> filters;

	EdgeSecurityWebFilterChain(List<WebFilter> filters) {
		this.filters = List.copyOf(filters);
	}

	/** Matches every exchange. */
	@Override
	public Mono<Boolean> matches(ServerWebExchange exchange) {
		return MATCHES;
	}

	@Override
	public Flux<WebFilter> getWebFilters() {
		return Flux.fromIterable(this.filters);
	}

	/** The filters, in order. */
	public List<WebFilter> filters() {
		return this.filters;
	}

}
