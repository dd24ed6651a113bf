package io.ftgo.edge.gateway.bench;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.helpers.NOPAppender;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.github.bucket4j.TimeMeter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.web.context.reactive.AnnotationConfigReactiveWebApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authorization.AuthorizationWebFilter;
import org.springframework.util.unit.DataSize;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.server.handler.DefaultWebFilterChain;

import io.ftgo.edge.gateway.cache.EdgeCacheProperties;
import io.ftgo.edge.gateway.cache.ResponseCacheWebFilter;
import io.ftgo.edge.gateway.config.EdgeLimitsProperties;
import io.ftgo.edge.gateway.filter.AccessLogWebFilter;
import io.ftgo.edge.gateway.filter.RequestContextWebFilter;
import io.ftgo.edge.gateway.filter.RequestLimitsWebFilter;
import io.ftgo.edge.gateway.filter.ReservedHeadersWebFilter;
import io.ftgo.edge.gateway.pipeline.EdgeChainLink;
import io.ftgo.edge.gateway.pipeline.EdgeLinkType;
import io.ftgo.edge.gateway.pipeline.EdgePipelines;
import io.ftgo.edge.gateway.ratelimit.AuthFailureLimitWebFilter;
import io.ftgo.edge.gateway.ratelimit.EdgeRateLimitProperties;
import io.ftgo.edge.gateway.ratelimit.InMemoryRateLimiter;
import io.ftgo.edge.gateway.ratelimit.RateLimitWebFilter;
import io.ftgo.edge.gateway.ratelimit.RateLimiter;
import io.ftgo.edge.gateway.shedding.ConcurrencyLimitWebFilter;
import io.ftgo.edge.gateway.shedding.ConcurrencyLimiters;
import io.ftgo.edge.gateway.shedding.EdgeConcurrencyProperties;
import io.ftgo.edge.gateway.support.ClientAddressResolver;
import io.ftgo.edge.gateway.support.ReservedHeaders;
import io.ftgo.edge.security.config.EdgeSecurityAutoConfiguration;
import tools.jackson.databind.json.JsonMapper;

/**
 * What one link of the edge pipeline costs per request, in memory (no network, no
 * server): each benchmark builds the same request (a GET with a bearer token and a
 * reserved header) and runs one link in front of a route that answers nothing;
 * {@code baseline} is the request and the route alone, to subtract ({@code baseline200}
 * for the links measured in front of a route that writes a small JSON answer: the
 * response cache). {@code pipeline} and {@code webFilterChain} run ten links that do
 * nothing, through the edge pipeline and through Spring's web filter chain (built once,
 * as the web handler does), so the pipeline's own cost has a number too. The mock request
 * dominates {@code baseline} (tens of kB): read a link's cost as its difference from
 * {@code baseline}.
 * <p>
 * The links are the real objects, built by hand as their auto-configurations build them;
 * Spring Security's chain comes from the {@code security} module's auto-configuration in
 * a minimal (serverless) reactive application context, with a real RS256 token signed in
 * setup and verified against a key set served from memory (the {@code WebClient} of the
 * key source answers without a network). Run with {@code gateway-core/bench.sh}
 * ({@code -prof gc} gives bytes allocated per request). Not a test.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EdgeLinkBenchmark {

	private static final String ISSUER = "http://127.0.0.1:9/bench-issuer";

	private static final WebFilterChain ROUTE = (exchange) -> Mono.empty();

	private static final byte[] BODY = "{\"id\":1,\"name\":\"Ajanta\"}"
		.getBytes(java.nio.charset.StandardCharsets.UTF_8);

	/**
	 * A route that answers 200 with a small JSON body (what the response cache stores).
	 */
	private static final WebFilterChain ROUTE_200 = (exchange) -> {
		exchange.getResponse().setStatusCode(HttpStatus.OK);
		exchange.getResponse().getHeaders().setContentType(MediaType.APPLICATION_JSON);
		return exchange.getResponse()
			.writeWith(Mono.fromSupplier(() -> exchange.getResponse().bufferFactory().wrap(BODY)));
	};

	private RequestContextWebFilter requestContext;

	private RequestLimitsWebFilter limits;

	private ReservedHeadersWebFilter reservedHeaders;

	private RateLimitWebFilter rateLimit;

	private AccessLogWebFilter accessLog;

	private ConcurrencyLimitWebFilter shedding;

	private AuthFailureLimitWebFilter authFailureLimit;

	private ResponseCacheWebFilter responseCache;

	private long cacheMisses;

	private AnnotationConfigReactiveWebApplicationContext security;

	private WebFilterChainProxy securityChain;

	private WebFilter authentication;

	private WebFilter authorization;

	private JwtAuthenticationToken authenticated;

	private String token;

	private WebFilter pipeline;

	private WebFilterChain webFilterChain;

	@Setup
	public void setUp() throws Exception {
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
		InMemoryRateLimiter limiter = new InMemoryRateLimiter(100_000, Duration.ofSeconds(1),
				TimeMeter.SYSTEM_NANOTIME);
		this.rateLimit = new RateLimitWebFilter(rates, limiter, addresses, null);
		// access log on, as shipped, with logback's appender replaced by one that drops
		// the event: the line is built and logged, not written to a console
		Logger access = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(AccessLogWebFilter.LOGGER);
		access.detachAndStopAllAppenders();
		access.setAdditive(false);
		access.setLevel(ch.qos.logback.classic.Level.INFO);
		NOPAppender<ILoggingEvent> drop = new NOPAppender<>();
		drop.setContext(access.getLoggerContext());
		drop.start();
		access.addAppender(drop);
		this.accessLog = new AccessLogWebFilter(JsonMapper.builder().build());
		// bff-web's shedding settings (gradient2, interactive 80 / prefetch 20)
		EdgeConcurrencyProperties concurrency = bind(EdgeConcurrencyProperties.PREFIX, EdgeConcurrencyProperties.class,
				Map.of("enabled", "true", "algorithm", "gradient2", "partitions.interactive", "80",
						"partitions.prefetch", "20", "default-partition", "interactive"));
		this.shedding = new ConcurrencyLimitWebFilter(concurrency, ConcurrencyLimiters.build(concurrency, "bench"),
				null);
		this.authFailureLimit = new AuthFailureLimitWebFilter(limiter,
				new RateLimiter.Tier(EdgeRateLimitProperties.AUTH_FAILURES_TIER, 20, Duration.ofMinutes(1)), addresses,
				java.time.Clock.systemUTC(), null);
		// bff-web's cache rules
		EdgeCacheProperties cache = bind(EdgeCacheProperties.PREFIX, EdgeCacheProperties.class,
				Map.of("rules[0].path", "/api/web/restaurants", "rules[0].ttl", "60s", "rules[0].shared", "true",
						"rules[1].path", "/api/web/restaurants/*", "rules[1].ttl", "60s", "rules[1].shared", "true"));
		this.responseCache = new ResponseCacheWebFilter(cache, null);
		ServerWebExchange warm = request("/api/web/restaurants/501");
		this.responseCache.filter(warm, ROUTE_200).block();
		ServerWebExchange hit = request("/api/web/restaurants/501");
		this.responseCache.filter(hit, ROUTE_200).block();
		require("HIT".equals(hit.getResponse().getHeaders().getFirst(ResponseCacheWebFilter.X_CACHE)),
				"the cache answers the second request: " + hit.getResponse().getHeaders());
		setUpSecurity();
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

	/**
	 * Spring Security's chain as the edge configures it for bff-web (bearer JWTs, its
	 * scope rules), from the security module's auto-configuration; the key set is served
	 * from memory.
	 */
	private void setUpSecurity() throws Exception {
		RSAKey key = new RSAKeyGenerator(2048).keyID("bench").generate();
		String jwks = new JWKSet(key.toPublicJWK()).toString();
		java.time.Instant now = java.time.Instant.now();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER)
			.audience("ftgo-edge")
			.subject("1002")
			.claim("scope", "web")
			.claim("consumer_id", 1002)
			.issueTime(java.util.Date.from(now))
			.expirationTime(java.util.Date.from(now.plus(Duration.ofHours(4))))
			.build();
		SignedJWT jwt = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("bench").type(JOSEObjectType.JWT).build(), claims);
		jwt.sign(new RSASSASigner(key));
		this.token = jwt.serialize();
		this.security = new AnnotationConfigReactiveWebApplicationContext();
		Map<String, Object> settings = new java.util.LinkedHashMap<>();
		settings.put("edge.security.jwt.issuer-uri", ISSUER);
		settings.put("edge.security.jwt.jwk-set-uri", ISSUER + "/jwks");
		settings.put("edge.security.jwt.audiences[0]", "ftgo-edge");
		settings.put("edge.security.rules[0].path", "/api/web/**");
		settings.put("edge.security.rules[0].scopes[0]", "web");
		settings.put("edge.security.rules[1].path", "/graphql");
		settings.put("edge.security.rules[1].scopes[0]", "web");
		settings.put("edge.security.rules[2].path", "/app/**");
		settings.put("edge.security.rules[2].permit-all", "true");
		settings.put("edge.security.rules[3].path", "/bff/**");
		settings.put("edge.security.rules[3].permit-all", "true");
		this.security.getEnvironment().getPropertySources().addFirst(new MapPropertySource("bench", settings));
		this.security.registerBean(WebClient.Builder.class,
				() -> WebClient.builder()
					.exchangeFunction((request) -> Mono.just(ClientResponse.create(HttpStatus.OK)
						.header("Content-Type", MediaType.APPLICATION_JSON_VALUE)
						.body(jwks)
						.build())));
		// gateway-core's CORS source, as bff-web has it (no allowed origins)
		this.security.registerBean(CorsConfigurationSource.class, () -> new UrlBasedCorsConfigurationSource());
		this.security.register(EdgeSecurityAutoConfiguration.class);
		this.security.refresh();
		this.securityChain = this.security.getBean(WebFilterChainProxy.class);
		SecurityWebFilterChain chain = this.security.getBean("edgeSecurityWebFilterChain",
				SecurityWebFilterChain.class);
		List<WebFilter> filters = chain.getWebFilters().collectList().block();
		this.authentication = filters.stream()
			.filter(AuthenticationWebFilter.class::isInstance)
			.findFirst()
			.orElseThrow();
		this.authorization = filters.stream()
			.filter(AuthorizationWebFilter.class::isInstance)
			.findFirst()
			.orElseThrow();
		Jwt decoded = Jwt.withTokenValue(this.token)
			.header("alg", "RS256")
			.subject("1002")
			.claim("scope", "web")
			.build();
		this.authenticated = new JwtAuthenticationToken(decoded, List.of(new SimpleGrantedAuthority("SCOPE_web")));
		// the whole chain lets a valid token through, refuses a missing one, and the
		// authentication link alone authenticates
		ServerWebExchange ok = bearer("/api/web/orders/7001");
		java.util.concurrent.atomic.AtomicReference<Object> principal = new java.util.concurrent.atomic.AtomicReference<>();
		this.securityChain.filter(ok, (exchange) -> exchange.getPrincipal().doOnNext(principal::set).then()).block();
		require(principal.get() instanceof JwtAuthenticationToken, "the token authenticates: " + ok.getResponse());
		ServerWebExchange refused = MockServerWebExchange.from(MockServerHttpRequest.get("/api/web/orders/7001")
			.remoteAddress(new InetSocketAddress("192.0.2.10", 5000)));
		this.securityChain.filter(refused, ROUTE).block();
		require(refused.getResponse().getStatusCode() == HttpStatus.UNAUTHORIZED, "no token: 401");
	}

	@TearDown
	public void tearDown() {
		if (this.security != null) {
			this.security.close();
		}
	}

	private static <T> T bind(String prefix, Class<T> type, Map<String, String> values) {
		Map<String, String> prefixed = new java.util.LinkedHashMap<>();
		values.forEach((name, value) -> prefixed.put(prefix + "." + name, value));
		return new Binder(new MapConfigurationPropertySource(prefixed)).bindOrCreate(prefix, Bindable.of(type));
	}

	private static void require(boolean condition, String what) {
		if (!condition) {
			throw new IllegalStateException("benchmark setup: " + what);
		}
	}

	private static ServerWebExchange request() {
		return MockServerWebExchange.from(MockServerHttpRequest.get("/api/web/orders/7001")
			.header("Authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl")
			.header("X-Consumer-Id", "1002")
			.header("Accept", "application/json")
			.remoteAddress(new InetSocketAddress("192.0.2.10", 5000)));
	}

	/** The same request on another path. */
	private static ServerWebExchange request(String path) {
		return MockServerWebExchange.from(MockServerHttpRequest.get(path)
			.header("Authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl")
			.header("X-Consumer-Id", "1002")
			.header("Accept", "application/json")
			.remoteAddress(new InetSocketAddress("192.0.2.10", 5000)));
	}

	/** The same request with the valid signed token. */
	private ServerWebExchange bearer(String path) {
		return MockServerWebExchange.from(MockServerHttpRequest.get(path)
			.header("Authorization", "Bearer " + this.token)
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

	/**
	 * The request with a valid signed token and the route alone (for the security links).
	 */
	@Benchmark
	public Object baselineBearer() {
		ServerWebExchange exchange = bearer("/api/web/orders/7001");
		ROUTE.filter(exchange).subscribe();
		return exchange;
	}

	/** A route answering 200 with a small body, alone (for the response cache). */
	@Benchmark
	public Object baseline200() {
		ServerWebExchange exchange = request("/api/web/restaurants/501");
		ROUTE_200.filter(exchange).subscribe();
		return exchange;
	}

	@Benchmark
	public Object accessLog() {
		return run(this.accessLog);
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

	/** The BFF-wide concurrency limit admitting the request (and releasing it). */
	@Benchmark
	public Object sheddingAdmitted() {
		return run(this.shedding);
	}

	/**
	 * The failed-authentication limit letting a request of an address not blocked pass.
	 */
	@Benchmark
	public Object authFailureLimit() {
		return run(this.authFailureLimit);
	}

	/**
	 * Spring Security's whole chain (the security link as the edge runs it): a valid
	 * RS256 token on a scoped route (verified once in setup, then remembered by the
	 * edge's verified-token cache, as for every repeat request of a caller).
	 */
	@Benchmark
	public Object securityChainBearer() {
		ServerWebExchange exchange = bearer("/api/web/orders/7001");
		this.securityChain.filter(exchange, ROUTE).subscribe();
		return exchange;
	}

	/** Spring Security's whole chain for an anonymous request on a permit-all path. */
	@Benchmark
	public Object securityChainAnonymous() {
		ServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/app/index.js")
			.header("Accept", "application/json")
			.remoteAddress(new InetSocketAddress("192.0.2.10", 5000)));
		this.securityChain.filter(exchange, ROUTE).subscribe();
		return exchange;
	}

	/** Authentication alone: the bearer-token filter of the chain, valid token. */
	@Benchmark
	public Object authentication() {
		ServerWebExchange exchange = bearer("/api/web/orders/7001");
		this.authentication.filter(exchange, ROUTE).subscribe();
		return exchange;
	}

	/** Authorization alone: the scope rules for an authenticated caller (allowed). */
	@Benchmark
	public Object authorization() {
		ServerWebExchange exchange = bearer("/api/web/orders/7001");
		this.authorization.filter(exchange, ROUTE)
			.contextWrite(ReactiveSecurityContextHolder.withAuthentication(this.authenticated))
			.subscribe();
		return exchange;
	}

	@Benchmark
	public Object rateLimitInMemory() {
		return run(this.rateLimit);
	}

	/** A cached path, not in the cache: looked up, fetched from the route, stored. */
	@Benchmark
	public Object responseCacheMiss() {
		ServerWebExchange exchange = request("/api/web/restaurants/" + (this.cacheMisses++));
		this.responseCache.filter(exchange, ROUTE_200).subscribe();
		return exchange;
	}

	/** A cached path, in the cache: answered from it (the route is not called). */
	@Benchmark
	public Object responseCacheHit() {
		ServerWebExchange exchange = request("/api/web/restaurants/501");
		this.responseCache.filter(exchange, ROUTE_200).subscribe();
		return exchange;
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
