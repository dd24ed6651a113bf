package io.ftgo.edge.security.web;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.firewall.HttpStatusExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge's security chain run without the proxy runs as the proxy runs it: the
 * firewalled exchange through the filters in order, then the rest of the edge chain; a
 * filter is invoked only when the previous one's call to its chain is subscribed; a
 * rejected exchange goes to the rejected-exchange handler and nothing else runs.
 */
class DirectSecurityChainTests {

	private final List<String> ran = new ArrayList<>();

	private WebFilter recording(String name) {
		return (exchange, chain) -> {
			this.ran.add(name + (exchange.getAttribute("firewalled") != null ? " (firewalled)" : ""));
			return chain.filter(exchange);
		};
	}

	private final ServerWebExchangeFirewall firewall = (exchange) -> {
		exchange.getAttributes().put("firewalled", true);
		return Mono.just(exchange);
	};

	@Test
	void filtersInOrder_thenTheEdgeChain_onTheFirewalledExchange() {
		DirectSecurityChain chain = new DirectSecurityChain(this.firewall, new HttpStatusExchangeRejectedHandler(),
				List.of(recording("headers"), recording("authentication"), recording("authorization")));
		chain.filter(exchange(), edge()).block();
		assertThat(this.ran).containsExactly("headers (firewalled)", "authentication (firewalled)",
				"authorization (firewalled)", "edge (firewalled)");
	}

	@Test
	void aChainCallNotSubscribed_runsNothingAfterIt() {
		// AuthenticationWebFilter assembles chain.filter(exchange) as a fallback it may
		// never subscribe: nothing after it may run at assembly
		WebFilter assemblesButAnswers = (exchange, chain) -> {
			Mono<Void> unused = chain.filter(exchange);
			this.ran.add("answers itself");
			return Mono.empty();
		};
		DirectSecurityChain chain = new DirectSecurityChain(this.firewall, new HttpStatusExchangeRejectedHandler(),
				List.of(recording("headers"), assemblesButAnswers, recording("authorization")));
		chain.filter(exchange(), edge()).block();
		assertThat(this.ran).containsExactly("headers (firewalled)", "answers itself");
	}

	@Test
	void rejectedExchange_answeredByTheRejectedHandler_nothingRuns() {
		ServerWebExchangeFirewall rejecting = (exchange) -> Mono
			.error(new ServerExchangeRejectedException("not normalized"));
		DirectSecurityChain chain = new DirectSecurityChain(rejecting, new HttpStatusExchangeRejectedHandler(),
				List.of(recording("headers")));
		MockServerWebExchange exchange = exchange();
		chain.filter(exchange, edge()).block();
		assertThat(this.ran).isEmpty();
		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
	}

	@Test
	void noFilters_theEdgeChainRuns() {
		new DirectSecurityChain(this.firewall, new HttpStatusExchangeRejectedHandler(), List.of())
			.filter(exchange(), edge())
			.block();
		assertThat(this.ran).containsExactly("edge (firewalled)");
	}

	private WebFilterChain edge() {
		return (ServerWebExchange exchange) -> Mono.fromRunnable(
				() -> this.ran.add("edge" + (exchange.getAttribute("firewalled") != null ? " (firewalled)" : "")));
	}

	private static MockServerWebExchange exchange() {
		return MockServerWebExchange.from(MockServerHttpRequest.get("/api/web/orders/7001"));
	}

}
