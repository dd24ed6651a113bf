package io.ftgo.edge.gateway.ratelimit;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.web.server.WebFilterChain;

import io.ftgo.edge.gateway.support.ClientAddressResolver;
import io.ftgo.edge.gateway.support.EdgeAttributes;

import static org.assertj.core.api.Assertions.assertThat;

/** The filter's decisions without a server: failure modes, exclusions, odd principals. */
class RateLimitWebFilterTests {

	final AtomicInteger chainCalls = new AtomicInteger();

	final WebFilterChain chain = (exchange) -> {
		this.chainCalls.incrementAndGet();
		return Mono.empty();
	};

	final List<String> keys = new ArrayList<>();

	final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	@Test
	void filter_limiterFails_failOpen_chainRunsWithPolicyHeaderOnly() {
		RateLimitWebFilter filter = filter("open", failing());
		MockServerWebExchange exchange = exchange("/public/ping");

		filter.filter(exchange, this.chain).block(Duration.ofSeconds(5));

		assertThat(this.chainCalls).hasValue(1);
		assertThat(exchange.getResponse().getHeaders().getFirst("RateLimit-Policy"))
			.isEqualTo("\"anonymous\";q=20;w=1");
		assertThat(exchange.getResponse().getHeaders().getFirst("RateLimit")).isNull();
		assertThat((String) exchange.getAttribute(EdgeAttributes.RATE_LIMIT_ATTR)).isEqualTo("failed_open");
		assertThat(
				this.meters.counter(RateLimitWebFilter.REQUESTS_METRIC, "tier", "anonymous", "outcome", "failed_open")
					.count())
			.isEqualTo(1);
	}

	@Test
	void filter_limiterFails_failClosed_503ProblemChainNeverRuns() {
		RateLimitWebFilter filter = filter("closed", failing());
		MockServerWebExchange exchange = exchange("/public/ping");

		filter.filter(exchange, this.chain).block(Duration.ofSeconds(5));

		assertThat(this.chainCalls).hasValue(0);
		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(exchange.getResponse().getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
		assertThat(exchange.getResponse().getBodyAsString().block()).contains("\"code\":\"rate_limit_unavailable\"");
	}

	@Test
	void filter_limiterAnswersNothing_treatedAsUnavailable() {
		RateLimitWebFilter filter = filter("closed", (key, tier) -> Mono.empty());
		MockServerWebExchange exchange = exchange("/public/ping");

		filter.filter(exchange, this.chain).block(Duration.ofSeconds(5));

		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
	}

	@Test
	void filter_excludedPath_limiterNeverAsked() {
		RateLimitWebFilter filter = filter("open", recording());
		MockServerWebExchange exchange = exchange("/actuator/health/readiness");

		filter.filter(exchange, this.chain).block(Duration.ofSeconds(5));

		assertThat(this.keys).isEmpty();
		assertThat(this.chainCalls).hasValue(1);
		assertThat(exchange.getResponse().getHeaders().getFirst("RateLimit-Policy")).isNull();
	}

	@Test
	void filter_authenticationNotMadeByTheEdge_limitedAsAnonymousByAddress() {
		RateLimitWebFilter filter = filter("open", recording());
		MockServerWebExchange exchange = MockServerWebExchange
			.builder(MockServerHttpRequest.get("/public/ping").remoteAddress(new InetSocketAddress("192.0.2.10", 5000)))
			.principal(new TestingAuthenticationToken("someone", "secret"))
			.build();

		filter.filter(exchange, this.chain).block(Duration.ofSeconds(5));

		assertThat(this.keys).containsExactly("ip:192.0.2.10");
		assertThat(this.chainCalls).hasValue(1);
	}

	private RateLimiter failing() {
		return (key, tier) -> Mono.error(new RateLimiterUnavailableException("timeout", null));
	}

	private RateLimiter recording() {
		return (key, tier) -> {
			this.keys.add(key);
			return Mono.just(new RateLimiter.Decision(true, tier.limit(), tier.limit() - 1, Duration.ofSeconds(1),
					Duration.ZERO));
		};
	}

	private RateLimitWebFilter filter(String failureMode, RateLimiter limiter) {
		EdgeRateLimitProperties properties = new EdgeRateLimitProperties(true, Map.of(), List.of("/actuator/**"),
				100000, new EdgeRateLimitProperties.Redis(true, Duration.ofMillis(100), failureMode, "edge:rl:"),
				false);
		properties.validate();
		return new RateLimitWebFilter(properties, limiter, new ClientAddressResolver(List.of()), this.meters);
	}

	private static MockServerWebExchange exchange(String path) {
		return MockServerWebExchange
			.from(MockServerHttpRequest.get(path).remoteAddress(new InetSocketAddress("192.0.2.10", 5000)));
	}

}
