package io.ftgo.edge.gateway.it;

import java.time.Duration;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.ftgo.edge.composition.CompositionEngine;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proxied routes under their provider's policy, shared with composed parts: breaker,
 * deadline, bulkhead and retries, against WireMock providers whose journals count the
 * calls that reached them.
 */
@SpringBootTest(classes = EdgeTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "edge.rate-limit.enabled=false", "management.server.port=-1" })
@AutoConfigureWebTestClient(timeout = "20s")
class ProxiedProviderPolicyIntegrationTests {

	static final DevIdentityProvider identity = DevIdentityProvider.startOnRandomPort();

	/** order: breaker tests (no retries, a breaker deciding on 4 calls). */
	static final WireMockServer order = server();

	/** restaurant: deadline and retry tests (300 ms timeout, 3 attempts). */
	static final WireMockServer restaurant = server();

	/** kitchen: bulkhead of one call. */
	static final WireMockServer kitchen = server();

	@Autowired
	WebTestClient client;

	@Autowired
	CompositionEngine engine;

	@Autowired
	io.micrometer.core.instrument.MeterRegistry meters;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		EdgeTestSupport.permitAll(registry, identity, "/api/x/**");
		registry.add("edge.providers.order.url", order::baseUrl);
		registry.add("edge.providers.order.timeout", () -> "5s");
		registry.add("edge.providers.order.retry.max-attempts", () -> "1");
		registry.add("edge.providers.order.circuit-breaker.sliding-window-size", () -> "4");
		registry.add("edge.providers.order.circuit-breaker.minimum-number-of-calls", () -> "4");
		registry.add("edge.providers.order.circuit-breaker.failure-rate-threshold", () -> "50");
		registry.add("edge.providers.order.circuit-breaker.wait-in-open-state", () -> "10m");
		registry.add("edge.providers.restaurant.url", restaurant::baseUrl);
		registry.add("edge.providers.restaurant.timeout", () -> "300ms");
		registry.add("edge.providers.restaurant.retry.max-attempts", () -> "3");
		registry.add("edge.providers.restaurant.retry.backoff", () -> "1ms");
		registry.add("edge.providers.kitchen.url", kitchen::baseUrl);
		registry.add("edge.providers.kitchen.timeout", () -> "10s");
		registry.add("edge.providers.kitchen.bulkhead.max-concurrent-calls", () -> "1");
		// delivery: a retry budget that refuses every retry and every hedge (due at
		// 100 ms).
		registry.add("edge.providers.delivery.url", kitchen::baseUrl);
		registry.add("edge.providers.delivery.timeout", () -> "5s");
		registry.add("edge.providers.delivery.hedge.after", () -> "100ms");
		registry.add("edge.providers.delivery.retry.budget.ratio", () -> "0");
		registry.add("edge.providers.delivery.retry.budget.min-per-second", () -> "0");
		registry.add("edge.providers.delivery.retry.budget.min-in-flight", () -> "0");
		registry.add("edge.compositions.delivery-view.request", () -> "GET /api/x/delivery-view/{id}");
		registry.add("edge.compositions.delivery-view.parts.delivery.from", () -> "delivery");
		registry.add("edge.compositions.delivery-view.parts.delivery.get", () -> "/deliveries/{id}");
		// A composed endpoint with a required part on the order provider.
		registry.add("edge.compositions.order-view.request", () -> "GET /api/x/order-view/{id}");
		registry.add("edge.compositions.order-view.timeout", () -> "10s");
		registry.add("edge.compositions.order-view.parts.order.from", () -> "order");
		registry.add("edge.compositions.order-view.parts.order.get", () -> "/orders/{id}");
		registry.add("edge.compositions.order-view.parts.order.required", () -> "true");
		// The provider found from the uri (the order provider's url).
		route(registry, 0, "orders", order.baseUrl(), "Path=/api/x/orders/**", null);
		// Named in metadata, with the uri's trailing slash.
		route(registry, 1, "restaurants", restaurant.baseUrl() + "/", "Path=/api/x/restaurants/**", null);
		registry.add("spring.cloud.gateway.server.webflux.routes[1].metadata.provider", () -> "restaurant");
		// Its own deadline, longer than the provider's timeout.
		route(registry, 2, "restaurant-reports", restaurant.baseUrl(), "Path=/api/x/reports/**", "/restaurants");
		registry.add("spring.cloud.gateway.server.webflux.routes[2].metadata.response-timeout", () -> "5000");
		route(registry, 3, "kitchen", kitchen.baseUrl(), "Path=/api/x/tickets/**", null);
		// delivery shares kitchen's WireMock server: the route names its provider.
		registry.add("spring.cloud.gateway.server.webflux.routes[3].metadata.provider", () -> "kitchen");
	}

	static void route(DynamicPropertyRegistry registry, int index, String id, String uri, String path, String prefix) {
		String to = (prefix != null) ? prefix + "/${rest}" : "/" + id + "/${rest}";
		EdgeTestSupport.route(registry, index, id, uri, path, "RewritePath=/api/x/[a-z-]+/?(?<rest>.*), " + to);
	}

	static WireMockServer server() {
		return EdgeTestSupport.wireMock((options) -> options.asynchronousResponseEnabled(true).containerThreads(20));
	}

	@AfterAll
	static void stop() {
		EdgeTestSupport.stop(identity, order, restaurant, kitchen);
	}

	@BeforeEach
	void reset() {
		List.of(order, restaurant, kitchen).forEach(WireMockServer::resetAll);
		List.of("order", "restaurant", "kitchen", "delivery").forEach((id) -> this.engine.circuitBreaker(id).reset());
	}

	@Test
	void orderFailing_proxiedCallsOpenTheBreaker_thenProxiedPostGets503AndTheProviderSeesNothing() {
		order.stubFor(any(urlPathMatching("/orders.*")).willReturn(aResponse().withStatus(500)));

		for (int i = 0; i < 4; i++) {
			postOrder().expectStatus().isEqualTo(502);
		}
		assertThat(this.engine.circuitBreaker("order").getState()).isEqualTo(CircuitBreaker.State.OPEN);
		assertThat(this.engine.circuitBreaker("order").getMetrics().getNumberOfFailedCalls()).isEqualTo(4);
		order.resetRequests();

		for (int i = 0; i < 3; i++) {
			postOrder().expectStatus()
				.isEqualTo(503)
				.expectHeader()
				.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
				.expectBody()
				.jsonPath("$.code")
				.isEqualTo("upstream_unavailable")
				.jsonPath("$.status")
				.isEqualTo(503);
		}
		// The same breaker cuts the composed part off.
		this.client.get().uri("/api/x/order-view/7001").exchange().expectStatus().isEqualTo(503);
		assertThat(calls(order)).isZero();
	}

	@Test
	void orderFailing_composedPartsOpenTheBreaker_thenProxiedPostGets503AndTheProviderSeesNothing() {
		order.stubFor(any(urlPathMatching("/orders.*")).willReturn(aResponse().withStatus(503)));

		for (int i = 0; i < 4; i++) {
			this.client.get().uri("/api/x/order-view/" + (7001 + i)).exchange().expectStatus().isEqualTo(502);
		}
		assertThat(this.engine.circuitBreaker("order").getState()).isEqualTo(CircuitBreaker.State.OPEN);
		order.resetRequests();

		postOrder().expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		this.client.get().uri("/api/x/orders/7001").exchange().expectStatus().isEqualTo(503);
		assertThat(calls(order)).isZero();
	}

	@Test
	void clientErrors_neitherFailNorOpenTheBreaker() {
		order.stubFor(any(urlPathMatching("/orders.*")).willReturn(aResponse().withStatus(404)));

		for (int i = 0; i < 6; i++) {
			this.client.get().uri("/api/x/orders/" + i).exchange().expectStatus().isNotFound();
		}
		assertThat(this.engine.circuitBreaker("order").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(calls(order)).isEqualTo(6);
	}

	@Test
	void connectionFailures_openTheBreaker() {
		order.stubFor(any(urlPathMatching("/orders.*"))
			.willReturn(aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER)));

		for (int i = 0; i < 4; i++) {
			postOrder().expectStatus().isEqualTo(502);
		}
		assertThat(this.engine.circuitBreaker("order").getState()).isEqualTo(CircuitBreaker.State.OPEN);
	}

	@Test
	void providerSlowerThanTheDeadline_504ProblemAfterOneCall() {
		restaurant.stubFor(get(urlPathEqualTo("/restaurants/slow"))
			.willReturn(aResponse().withFixedDelay(3000).withStatus(200).withBody("{}")));

		this.client.get()
			.uri("/api/x/restaurants/slow")
			.exchange()
			.expectStatus()
			.isEqualTo(504)
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		// The deadline is the provider's timeout: nothing is left for a retry.
		assertThat(calls(restaurant)).isEqualTo(1);
		assertThat(this.engine.circuitBreaker("restaurant").getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
	}

	@Test
	void routeWithItsOwnDeadline_waitsLongerThanTheProviderTimeout() {
		restaurant.stubFor(get(urlPathEqualTo("/restaurants/report"))
			.willReturn(aResponse().withFixedDelay(900).withStatus(200).withBody("{\"ok\":true}")));

		this.client.get()
			.uri("/api/x/reports/report")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.ok")
			.isEqualTo(true);
		assertThat(calls(restaurant)).isEqualTo(1);
	}

	@Test
	void postAnswered500_neverRetried() {
		restaurant.stubFor(post(urlPathMatching("/restaurants/?")).willReturn(aResponse().withStatus(500)));

		this.client.post()
			.uri("/api/x/restaurants")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"name\":\"x\"}")
			.exchange()
			.expectStatus()
			.isEqualTo(502);
		assertThat(calls(restaurant)).isEqualTo(1);
	}

	@Test
	void getAnswered500_retriedPerPolicy_thenBadGateway() {
		double retriesBefore = retries("restaurant", "sent");
		restaurant.stubFor(get(urlPathEqualTo("/restaurants/1"))
			.willReturn(aResponse().withStatus(500).withHeader("X-Provider-Secret", "s").withBody("trace")));

		// Through the route with a deadline of its own (5 s): three attempts always fit
		// in it,
		// where the provider's 300 ms may not on a busy machine.
		this.client.get()
			.uri("/api/x/reports/1")
			.exchange()
			.expectStatus()
			.isEqualTo(502)
			.expectHeader()
			.doesNotExist("X-Provider-Secret")
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(calls(restaurant)).isEqualTo(3);
		// The two retries spent from the provider's one retry budget.
		assertThat(retries("restaurant", "sent") - retriesBefore).isEqualTo(2);
	}

	double retries(String provider, String outcome) {
		return this.meters.get("edge.composition.retries")
			.tag("provider", provider)
			.tag("outcome", outcome)
			.functionCounter()
			.count();
	}

	@Test
	void getFailingOnce_retried_clientGetsTheSecondAnswerOnly() {
		restaurant.stubFor(get(urlPathEqualTo("/restaurants/2")).inScenario("flaky")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(503).withHeader("X-First", "1").withBody("first"))
			.willSetStateTo("recovered"));
		restaurant.stubFor(get(urlPathEqualTo("/restaurants/2")).inScenario("flaky")
			.whenScenarioStateIs("recovered")
			.willReturn(
					aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"id\":2}")));

		this.client.get()
			.uri("/api/x/restaurants/2")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.doesNotExist("X-First")
			.expectBody()
			.jsonPath("$.id")
			.isEqualTo(2);
		assertThat(calls(restaurant)).isEqualTo(2);
	}

	@Test
	void bulkheadFull_503AtOnce_providerSeesOnlyTheAdmittedCall() throws InterruptedException {
		kitchen.stubFor(get(urlPathEqualTo("/kitchen/slow"))
			.willReturn(aResponse().withFixedDelay(4000).withStatus(200).withBody("{}")));
		WebClient direct = WebClient.create("http://127.0.0.1:" + this.port);
		Mono<Integer> first = direct.get()
			.uri("/api/x/tickets/slow")
			.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()))
			.cache();
		first.subscribe();
		for (int i = 0; i < 200 && calls(kitchen) == 0; i++) {
			Thread.sleep(25);
		}
		assertThat(calls(kitchen)).isEqualTo(1);

		this.client.get()
			.uri("/api/x/tickets/slow")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(calls(kitchen)).isEqualTo(1);
		assertThat(first.block(Duration.ofSeconds(20))).isEqualTo(200);
	}

	@Test
	void retryRefusedByTheBudget_notSent_partSaysSoWithItsRealReason() {
		kitchen.stubFor(get(urlPathMatching("/deliveries/.*")).willReturn(aResponse().withStatus(503)));
		double refusedBefore = retries("delivery", "refused");

		this.client.get()
			.uri("/api/x/delivery-view/1")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$._meta.parts.delivery.retryRefused")
			.isEqualTo(true)
			.jsonPath("$._meta.parts.delivery.reason")
			.isEqualTo("http-status")
			.jsonPath("$._meta.parts.delivery.httpStatus")
			.isEqualTo(503);
		assertThat(calls(kitchen)).isEqualTo(1);
		assertThat(retries("delivery", "refused") - refusedBefore).isEqualTo(1);
	}

	@Test
	void hedgeRefusedByTheBudget_notSent_partAnsweredByItsFirstCallSaysRetryRefused() {
		// Slower than the 100 ms hedge delay: each call is due a hedge.
		kitchen.stubFor(get(urlPathMatching("/deliveries/.*")).willReturn(
				aResponse().withFixedDelay(800).withHeader("Content-Type", "application/json").withBody("{\"id\":1}")));
		double refusedBefore = retries("delivery", "refused");
		double hedgesRefusedBefore = hedges("delivery", "refused");

		this.client.get()
			.uri("/api/x/delivery-view/1")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$._meta.parts.delivery.status")
			.isEqualTo("fresh")
			.jsonPath("$._meta.parts.delivery.retryRefused")
			.isEqualTo(true)
			.jsonPath("$._meta.parts.delivery.hedged")
			.doesNotExist()
			.jsonPath("$.delivery.id")
			.isEqualTo(1);
		// The first call only: the hedge never reached the provider.
		assertThat(calls(kitchen)).isEqualTo(1);
		// Counted refused by the retry budget and by the hedging alike.
		assertThat(retries("delivery", "refused") - refusedBefore).isEqualTo(1);
		assertThat(hedges("delivery", "refused") - hedgesRefusedBefore).isEqualTo(1);
		assertThat(hedges("delivery", "sent")).isZero();
	}

	double hedges(String provider, String outcome) {
		return this.meters.get("edge.composition.hedges")
			.tag("provider", provider)
			.tag("outcome", outcome)
			.functionCounter()
			.count();
	}

	WebTestClient.ResponseSpec postOrder() {
		return this.client.post()
			.uri("/api/x/orders")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"restaurantId\":1}")
			.exchange();
	}

	static int calls(WireMockServer server) {
		return server.countRequestsMatching(anyRequestedFor(anyUrl()).build()).getCount();
	}

}
