package io.ftgo.edge.gateway.it;

import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.ftgo.edge.stubs.identity.TokenMinter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge chain in front of a proxied route, over real HTTP: a WireMock provider, tokens
 * from the dev identity provider, provider calls counted from WireMock's journal.
 */
@SpringBootTest(classes = EdgeTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "edge.rate-limit.enabled=false" })
@AutoConfigureWebTestClient(timeout = "20s")
class EdgeChainIntegrationTests {

	static final DevIdentityProvider identity = DevIdentityProvider.startOnRandomPort();

	static final WireMockServer provider = new WireMockServer(
			options().dynamicPort().bindAddress("127.0.0.1").asynchronousResponseEnabled(true).containerThreads(30));

	static {
		provider.start();
	}

	@Autowired
	WebTestClient client;

	@Autowired
	MeterRegistry meters;

	@Autowired
	io.ftgo.edge.gateway.pipeline.EdgePipelines pipelines;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		String route = "spring.cloud.gateway.server.webflux.routes[0].";
		registry.add(route + "id", () -> "orders");
		registry.add(route + "uri", provider::baseUrl);
		registry.add(route + "predicates[0]", () -> "Path=/api/web/orders/**");
		registry.add(route + "filters[0]", () -> "RewritePath=/api/web/(?<rest>.*), /${rest}");
		String publicRoute = "spring.cloud.gateway.server.webflux.routes[1].";
		registry.add(publicRoute + "id", () -> "menus");
		registry.add(publicRoute + "uri", provider::baseUrl);
		registry.add(publicRoute + "predicates[0]", () -> "Path=/public/menus/**");
		registry.add(publicRoute + "filters[0]", () -> "RewritePath=/public/menus/(?<rest>.*), /restaurants/${rest}");
		registry.add("spring.cloud.gateway.server.webflux.httpclient.response-timeout", () -> "1s");
		registry.add("edge.security.jwt.issuer-uri", identity::issuer);
		registry.add("edge.security.jwt.audiences[0]", () -> "ftgo-edge");
		registry.add("edge.security.rules[0].path", () -> "/api/web/**");
		registry.add("edge.security.rules[0].scopes[0]", () -> "web");
		registry.add("edge.security.rules[1].path", () -> "/public/**");
		registry.add("edge.security.rules[1].permit-all", () -> "true");
		registry.add("edge.security.propagation.headers.X-Consumer-Id", () -> "consumerId");
		registry.add("edge.limits.max-uri-length", () -> "512");
		registry.add("edge.limits.max-header-size", () -> "4KB");
		registry.add("edge.limits.max-body-size", () -> "1KB");
		registry.add("edge.cors.allowed-origins[0]", () -> "https://app.ftgo.example");
	}

	@AfterAll
	static void stop() {
		provider.stop();
		identity.close();
	}

	@BeforeEach
	void reset() {
		provider.resetAll();
		provider.stubFor(get(urlPathEqualTo("/orders/7001"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json")
				.withBody("{\"orderId\":7001,\"state\":\"APPROVED\"}")));
		provider.stubFor(any(urlPathEqualTo("/orders")).willReturn(aResponse().withStatus(200).withBody("{}")));
		provider.stubFor(get(urlPathEqualTo("/restaurants/501/menu"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"items\":[]}")));
	}

	/**
	 * The edge's security chain (the first, matching every exchange) runs without the
	 * proxy's per-request choice of a chain; every test here goes through it.
	 */
	@Test
	void securityLink_runsTheEdgesChainDirectly() {
		assertThat(this.pipelines.runsSecurityDirectly()).isTrue();
	}

	@Test
	void publicProxiedRoute_anonymous_spoofedIdentityAndOtherCredentialsDropped_traceStarted() {
		this.client.get()
			.uri("/public/menus/501/menu")
			.header("X-Consumer-Id", "1002")
			.header(HttpHeaders.AUTHORIZATION, "Basic YWxpY2U6cGFzc3dvcmQ=")
			.exchange()
			.expectStatus()
			.isOk();

		LoggedRequest received = provider.findAll(anyRequestedFor(anyUrl())).get(0);
		assertThat(received.getUrl()).isEqualTo("/restaurants/501/menu");
		assertThat(received.containsHeader("X-Consumer-Id")).isFalse();
		assertThat(received.containsHeader("Authorization")).isFalse();
		assertThat(received.getHeader("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
	}

	/**
	 * One timer per proxied call, the gateway's per-route one; Spring Cloud Gateway's
	 * observability (a second, http.client.requests timer per call) is off by default.
	 */
	@Test
	void proxiedRoute_timedOnceByTheServerTimerWithItsRoute_noGatewayOrClientTimer() throws InterruptedException {
		long before = routeCount("menus");

		this.client.get().uri("/public/menus/501/menu").exchange().expectStatus().isOk();

		for (int i = 0; i < 100 && routeCount("menus") == before; i++) {
			Thread.sleep(50);
		}
		assertThat(routeCount("menus")).isEqualTo(before + 1);
		assertThat(this.meters.find("http.client.requests").tagKeys("spring.cloud.gateway.route.id").meters())
			.isEmpty();
		assertThat(this.meters.find("spring.cloud.gateway.requests").meters()).isEmpty();
	}

	private long routeCount(String route) {
		return this.meters.find("http.server.requests")
			.tag("route", route)
			.timers()
			.stream()
			.mapToLong(Timer::count)
			.sum();
	}

	@Test
	void chunkedBodyWithinLimit_reachesProviderWhole() {
		reactor.core.publisher.Flux<org.springframework.core.io.buffer.DataBuffer> chunks = reactor.core.publisher.Flux
			.range(0, 3)
			.map((i) -> org.springframework.core.io.buffer.DefaultDataBufferFactory.sharedInstance
				.wrap("z".repeat(300).getBytes()));

		this.client.post()
			.uri("/api/web/orders")
			.headers((h) -> h.setBearerAuth(aliceToken()))
			.contentType(MediaType.APPLICATION_OCTET_STREAM)
			.body(chunks, org.springframework.core.io.buffer.DataBuffer.class)
			.exchange()
			.expectStatus()
			.isOk();

		assertThat(provider.findAll(anyRequestedFor(anyUrl())).get(0).getBodyAsString()).isEqualTo("z".repeat(900));
	}

	private String aliceToken() {
		return identity.passwordGrant("alice", "password");
	}

	@Test
	void proxiedRoute_validToken_forwardsIdentityAndTraceButNoSpoofedHeaders() {
		String token = aliceToken();
		String inboundTrace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

		this.client.get()
			.uri("/api/web/orders/7001")
			.headers((h) -> h.setBearerAuth(token))
			.header("X-Consumer-Id", "1002")
			.header("X-Forwarded-For", "6.6.6.6")
			.header("traceparent", inboundTrace)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.orderId")
			.isEqualTo(7001);

		LoggedRequest received = provider.findAll(anyRequestedFor(anyUrl())).get(0);
		assertThat(received.getUrl()).isEqualTo("/orders/7001");
		assertThat(received.getHeader("Authorization")).isEqualTo("Bearer " + token);
		assertThat(received.getHeaders().getHeader("X-Consumer-Id").values()).containsExactly("1001");
		assertThat(received.containsHeader("X-Forwarded-For")).isFalse();
		assertThat(received.getHeader("traceparent")).startsWith("00-0af7651916cd43dd8448eb211c80319c-")
			.isNotEqualTo(inboundTrace);
	}

	static Stream<Arguments> hostileTokens() {
		return TokenMinter.hostileVariants().entrySet().stream().map((e) -> Arguments.of(e.getKey(), e.getValue()));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("hostileTokens")
	void proxiedRoute_hostileToken_401ProblemAndZeroProviderCalls(String name,
			UnaryOperator<TokenMinter.Token> hostile) {
		String token = hostile.apply(identity.minter().forConsumer(1001, "web")).sign();

		this.client.get()
			.uri("/api/web/orders/7001")
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.value(HttpHeaders.WWW_AUTHENTICATE, (value) -> assertThat(value).contains("error=\"invalid_token\""));

		assertThat(provider.findAll(anyRequestedFor(anyUrl()))).isEmpty();
	}

	@Test
	void noRoute_authenticated_404Problem() {
		this.client.get()
			.uri("/api/web/nothing-here")
			.headers((h) -> h.setBearerAuth(aliceToken()))
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(404);
	}

	@Test
	void uriTooLong_414ProblemBeforeAuthentication() {
		this.client.get()
			.uri("/api/web/orders/7001?q=" + "x".repeat(600))
			.exchange()
			.expectStatus()
			.isEqualTo(414)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);

		assertThat(provider.findAll(anyRequestedFor(anyUrl()))).isEmpty();
	}

	@Test
	void headersTooLarge_431Problem() {
		this.client.get()
			.uri("/api/web/orders/7001")
			.header("X-Padding", "p".repeat(5000))
			.exchange()
			.expectStatus()
			.isEqualTo(431)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void bodyTooLarge_withContentLength_413Problem() {
		this.client.post()
			.uri("/api/web/orders")
			.headers((h) -> h.setBearerAuth(aliceToken()))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"x\":\"" + "y".repeat(2000) + "\"}")
			.exchange()
			.expectStatus()
			.isEqualTo(413)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);

		assertThat(provider.findAll(anyRequestedFor(anyUrl()))).isEmpty();
	}

	@Test
	void bodyTooLarge_chunked_413Problem() {
		reactor.core.publisher.Flux<org.springframework.core.io.buffer.DataBuffer> chunks = reactor.core.publisher.Flux
			.range(0, 8)
			.map((i) -> org.springframework.core.io.buffer.DefaultDataBufferFactory.sharedInstance
				.wrap("z".repeat(512).getBytes()));

		this.client.post()
			.uri("/api/web/orders")
			.headers((h) -> h.setBearerAuth(aliceToken()))
			.contentType(MediaType.APPLICATION_OCTET_STREAM)
			.body(chunks, org.springframework.core.io.buffer.DataBuffer.class)
			.exchange()
			.expectStatus()
			.isEqualTo(413);
	}

	@Test
	void providerAnswers500WithStackTrace_client502ProblemWithoutIt() {
		provider.stubFor(get(urlPathEqualTo("/orders/7902")).willReturn(aResponse().withStatus(500)
			.withHeader("X-Internal-Host", "db-7.internal")
			.withBody("java.lang.NullPointerException at com.ftgo.OrderService(OrderService.java:42) host db-7:5432")));

		this.client.get()
			.uri("/api/web/orders/7902")
			.headers((h) -> h.setBearerAuth(aliceToken()))
			.exchange()
			.expectStatus()
			.isEqualTo(502)
			.expectHeader()
			.doesNotExist("X-Internal-Host")
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody(String.class)
			.value((body) -> assertThat(body).doesNotContain("NullPointer", "OrderService", "db-7", "5432"));
	}

	@Test
	void providerResetsConnection_502Problem() {
		provider.stubFor(
				get(urlPathEqualTo("/orders/7903")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

		this.client.get()
			.uri("/api/web/orders/7903")
			.headers((h) -> h.setBearerAuth(aliceToken()))
			.exchange()
			.expectStatus()
			.isEqualTo(502)
			.expectBody(String.class)
			.value((body) -> assertThat(body).contains("\"status\":502")
				.doesNotContain("127.0.0.1", "localhost", String.valueOf(provider.port()), "Exception"));
	}

	@Test
	void providerSlowerThanResponseTimeout_504Problem() {
		provider
			.stubFor(get(urlPathEqualTo("/orders/7901")).willReturn(aResponse().withFixedDelay(3000).withBody("{}")));

		this.client.get()
			.uri("/api/web/orders/7901")
			.headers((h) -> h.setBearerAuth(aliceToken()))
			.exchange()
			.expectStatus()
			.isEqualTo(504)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody(String.class)
			.value((body) -> assertThat(body).doesNotContain("timeout: ", "PT", "Exception"));
	}

	@Test
	void corsPreflight_allowedOrigin_answered_otherOrigin_refused() {
		this.client.options()
			.uri("/api/web/orders/7001")
			.header("Origin", "https://app.ftgo.example")
			.header("Access-Control-Request-Method", "GET")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("Access-Control-Allow-Origin", "https://app.ftgo.example");

		this.client.options()
			.uri("/api/web/orders/7001")
			.header("Origin", "https://evil.example")
			.header("Access-Control-Request-Method", "GET")
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.doesNotExist("Access-Control-Allow-Origin");
	}

	@Test
	void providerCall_keepsWorkingAfterManyRequests_poolIsReused() {
		String token = aliceToken();

		for (int i = 0; i < 20; i++) {
			this.client.get()
				.uri("/api/web/orders/7001")
				.headers((h) -> h.setBearerAuth(token))
				.exchange()
				.expectStatus()
				.isOk();
		}

		assertThat(provider.findAll(anyRequestedFor(anyUrl()))).hasSize(20);
	}

}
