package io.ftgo.edge.gateway.bench;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.github.bucket4j.TimeMeter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import reactor.core.publisher.Mono;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.server.handler.DefaultWebFilterChain;

import io.ftgo.edge.gateway.config.EdgeLimitsProperties;
import io.ftgo.edge.gateway.filter.RequestContextWebFilter;
import io.ftgo.edge.gateway.filter.RequestLimitsWebFilter;
import io.ftgo.edge.gateway.filter.ReservedHeadersWebFilter;
import io.ftgo.edge.gateway.pipeline.EdgeChainLink;
import io.ftgo.edge.gateway.pipeline.EdgeLinkType;
import io.ftgo.edge.gateway.pipeline.EdgePipelines;
import io.ftgo.edge.gateway.ratelimit.EdgeRateLimitProperties;
import io.ftgo.edge.gateway.ratelimit.InMemoryRateLimiter;
import io.ftgo.edge.gateway.ratelimit.RateLimitWebFilter;
import io.ftgo.edge.gateway.support.ClientAddressResolver;
import io.ftgo.edge.gateway.support.ReservedHeaders;

/**
 * What one link of the edge pipeline costs per request, in memory (no network, no
 * server): each benchmark builds the same request (a GET with a bearer token and a
 * reserved header) and runs one link in front of a route that answers nothing;
 * {@code baseline} is the request and the route alone, to subtract. {@code pipeline} and
 * {@code webFilterChain} run ten links that do nothing, through the edge pipeline and
 * through Spring's web filter chain (built once, as the web handler does), so the
 * pipeline's own cost has a number too. The mock request dominates {@code baseline} (tens
 * of kB): read a link's cost as its difference from {@code baseline}. Run with
 * {@code gateway-core/bench.sh} ({@code -prof gc} gives bytes allocated per request). Not
 * a test.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EdgeLinkBenchmark {

	private static final WebFilterChain ROUTE = (exchange) -> Mono.empty();

	private RequestContextWebFilter requestContext;

	private RequestLimitsWebFilter limits;

	private ReservedHeadersWebFilter reservedHeaders;

	private RateLimitWebFilter rateLimit;

	private WebFilter pipeline;

	private WebFilterChain webFilterChain;

	@Setup
	public void setUp() {
		ClientAddressResolver addresses = new ClientAddressResolver(List.of());
		this.requestContext = new RequestContextWebFilter(addresses);
		this.limits = new RequestLimitsWebFilter(
				new EdgeLimitsProperties(4096, DataSize.ofKilobytes(8), DataSize.ofMegabytes(1)));
		this.reservedHeaders = new ReservedHeadersWebFilter(Set.of("X-Consumer-Id"),
				ReservedHeaders.of(List.of(), List.of()), List.of(), addresses);
		EdgeRateLimitProperties.Tier unlimited = new EdgeRateLimitProperties.Tier(1_000_000_000, Duration.ofSeconds(1));
		EdgeRateLimitProperties rates = new EdgeRateLimitProperties(true,
				Map.of(EdgeRateLimitProperties.DEFAULT_TIER, unlimited, EdgeRateLimitProperties.ANONYMOUS_TIER,
						unlimited),
				List.of("/actuator/**"), 100000,
				new EdgeRateLimitProperties.Redis(false, Duration.ofMillis(100), "open", "edge:rl:"), false);
		this.rateLimit = new RateLimitWebFilter(rates,
				new InMemoryRateLimiter(100_000, Duration.ofSeconds(1), TimeMeter.SYSTEM_NANOTIME), addresses, null);
		List<EdgeChainLink> links = new ArrayList<>();
		List<WebFilter> noOpLinks = new ArrayList<>();
		for (EdgeLinkType type : EdgeLinkType.values()) {
			if (type != EdgeLinkType.ROUTE && links.size() < 10) {
				NoOpLink link = new NoOpLink(type);
				links.add(link);
				noOpLinks.add(link);
			}
		}
		this.pipeline = new EdgePipelines(links, List.of()).webFilter();
		// built once, as the web handler builds it
		this.webFilterChain = new DefaultWebFilterChain((exchange) -> Mono.empty(), noOpLinks);
	}

	private static ServerWebExchange request() {
		return MockServerWebExchange.from(MockServerHttpRequest.get("/api/web/orders/7001")
			.header("Authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl")
			.header("X-Consumer-Id", "1002")
			.header("Accept", "application/json")
			.remoteAddress(new InetSocketAddress("192.0.2.10", 5000)));
	}

	private static Object run(WebFilter filter) {
		ServerWebExchange exchange = request();
		filter.filter(exchange, ROUTE).subscribe();
		return exchange;
	}

	@Benchmark
	public Object baseline() {
		ServerWebExchange exchange = request();
		ROUTE.filter(exchange).subscribe();
		return exchange;
	}

	@Benchmark
	public Object requestContext() {
		return run(this.requestContext);
	}

	@Benchmark
	public Object limits() {
		return run(this.limits);
	}

	@Benchmark
	public Object reservedHeaders() {
		return run(this.reservedHeaders);
	}

	@Benchmark
	public Object rateLimitInMemory() {
		return run(this.rateLimit);
	}

	@Benchmark
	public Object pipeline() {
		return run(this.pipeline);
	}

	@Benchmark
	public Object webFilterChain() {
		ServerWebExchange exchange = request();
		this.webFilterChain.filter(exchange).subscribe();
		return exchange;
	}

	/** A link that does nothing but pass the request on. */
	private record NoOpLink(EdgeLinkType linkType) implements EdgeChainLink {

		@Override
		public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
			return chain.filter(exchange);
		}

	}

}
