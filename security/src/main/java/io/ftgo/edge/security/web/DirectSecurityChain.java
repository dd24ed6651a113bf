package io.ftgo.edge.security.web;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Spring Security's filters of one chain that matches every exchange, run as
 * {@link WebFilterChainProxy} runs them, without what the proxy does per request to find
 * them: the firewall first (a rejected exchange goes to the rejected-exchange handler),
 * then each filter in order, each invoked only when the previous one's call to its chain
 * is subscribed (as Spring's {@code DefaultWebFilterChain} does), then the rest of the
 * edge chain. The proxy chooses the chain among all chains through a {@code Flux},
 * collects its filters into a new list and builds a {@code DefaultWebFilterChain}, which
 * names every filter in a Reactor checkpoint, on every request: about 7 kB per request
 * that this does not allocate.
 */
public final class DirectSecurityChain {

	private final ServerWebExchangeFirewall firewall;

	private final ServerExchangeRejectedHandler rejectedHandler;

	private final WebFilter[] filters;

	/**
	 * @param firewall the proxy's firewall
	 * @param rejectedHandler the proxy's handler of rejected exchanges
	 * @param filters the chain's filters, in order
	 */
	public DirectSecurityChain(ServerWebExchangeFirewall firewall, ServerExchangeRejectedHandler rejectedHandler,
			List<WebFilter> filters) {
		this.firewall = firewall;
		this.rejectedHandler = rejectedHandler;
		this.filters = filters.toArray(WebFilter[]::new);
	}

	/**
	 * Runs the chain, then {@code chain}.
	 * @param exchange the exchange
	 * @param chain what follows Spring Security
	 * @return completion
	 */
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return this.firewall.getFirewalledExchange(exchange)
			.flatMap((firewalled) -> new Position(this.filters, 0, chain).filter(firewalled))
			.onErrorResume(ServerExchangeRejectedException.class,
					(rejected) -> this.rejectedHandler.handle(exchange, rejected).then(Mono.empty()));
	}

	/** The chain from one filter on; the last position continues with the edge chain. */
	private record Position(WebFilter[] filters, int index, WebFilterChain last) implements WebFilterChain {

		@Override
		public Mono<Void> filter(ServerWebExchange exchange) {
			return Mono.defer(() -> (this.index < this.filters.length)
					? this.filters[this.index].filter(exchange, new Position(this.filters, this.index + 1, this.last))
					: this.last.filter(exchange));
		}

	}

}
