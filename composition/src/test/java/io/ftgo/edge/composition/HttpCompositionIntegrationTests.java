package io.ftgo.edge.composition;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The engine against real HTTP providers: one WireMock server per FTGO provider (seed:
 * order 7001 of consumer 1001 at restaurant 501), each faulted alone. Real time, so
 * nothing here asserts durations; concurrency is proved from the WireMock journals.
 */
class HttpCompositionIntegrationTests {

	private static final String[] PROVIDERS = { "order", "kitchen", "delivery", "accounting", "restaurant" };

	private static final Map<String, WireMockServer> servers = new LinkedHashMap<>();

	private static int closedPort;

	private ProviderRegistry registry;

	private CompositionEngine engine;

	private Composition orderDetails;

	@BeforeAll
	static void startProviders() throws IOException {
		for (String provider : PROVIDERS) {
			WireMockServer server = new WireMockServer(
					options().dynamicPort().asynchronousResponseEnabled(true).containerThreads(50));
			server.start();
			servers.put(provider, server);
		}
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		// Pay the JVM's first-request costs (Netty native transport, resolver, BlockHound
		// instrumentation) here: a cold first call can outlast the 1s deadline, and its
		// late arrival would land in the next test's journal.
		for (WireMockServer server : servers.values()) {
			WebClient.create(server.baseUrl())
				.get()
				.uri("/__admin/mappings")
				.retrieve()
				.bodyToMono(String.class)
				.block(Duration.ofSeconds(30));
		}
	}

	@AfterAll
	static void stopProviders() {
		servers.values().forEach(WireMockServer::stop);
	}

	@BeforeEach
	void seed() {
		servers.values().forEach(WireMockServer::resetAll);
		server("order").stubFor(get(urlPathEqualTo("/orders/7001")).willReturn(okJson(
				"{\"orderId\":7001,\"state\":\"APPROVED\",\"orderTotal\":\"61.70\",\"consumerId\":1001,\"restaurantId\":501}")));
		server("kitchen").stubFor(get(urlPathEqualTo("/tickets/7001"))
			.willReturn(okJson("{\"id\":7001,\"state\":\"PREPARING\",\"readyBy\":\"2026-11-22T12:30:00Z\"}")));
		server("delivery").stubFor(get(urlPathEqualTo("/deliveries/7001")).willReturn(okJson(
				"{\"deliveryInfo\":{\"id\":7001,\"state\":\"PICKED_UP\"},\"assignedCourier\":\"c-17\",\"courierActions\":[]}")));
		server("accounting").stubFor(get(urlPathEqualTo("/bills/7001")).willReturn(okJson(
				"{\"orderId\":7001,\"state\":\"PAID\",\"amount\":\"61.70\",\"paymentMethod\":{\"brand\":\"VISA\",\"last4\":\"4242\"}}")));
		server("restaurant").stubFor(get(urlPathEqualTo("/restaurants/501"))
			.willReturn(okJson("{\"id\":501,\"name\":\"Ajanta\",\"menu\":[]}")));
		this.registry = registry(Map.of());
		this.engine = CompositionEngine.builder(this.registry).build();
		this.orderDetails = yamlOrderDetails(this.registry);
	}

	private static WireMockServer server(String provider) {
		return servers.get(provider);
	}

	private static ProviderRegistry registry(Map<String, ProviderDefinition> overrides) {
		Map<String, ProviderDefinition> providers = new LinkedHashMap<>();
		for (String provider : PROVIDERS) {
			providers.put(provider,
					ProviderDefinition.of(server(provider).baseUrl())
						.withTimeout(Duration.ofSeconds(2))
						.withShared("restaurant".equals(provider))
						.withRetry(new ProviderDefinition.RetryDefinition(1, null, null, null)));
		}
		providers.putAll(overrides);
		return ProviderRegistry.of(providers);
	}

	private static Composition yamlOrderDetails(ProviderRegistry registry) {
		return Composition.of("order-details", EdgeYaml.read("/order-details.yml").compositions().get("order-details"),
				registry);
	}

	private static Composition dslOrderDetails(ProviderRegistry registry) {
		return Composition.builder("order-details")
			.request("GET /api/web/orders/{orderId}")
			.timeout(Duration.ofSeconds(1))
			.part("order", (p) -> p.from("order").get("/orders/{orderId}").required())
			.part("ticket",
					(p) -> p.from("kitchen")
						.get("/tickets/{order.orderId}")
						.project("status", "state")
						.project("readyBy", "readyBy"))
			.part("delivery",
					(p) -> p.from("delivery")
						.get("/deliveries/{order.orderId}")
						.project("status", "deliveryInfo.state")
						.project("courier", "assignedCourier"))
			.part("bill",
					(p) -> p.from("accounting")
						.get("/bills/{order.orderId}")
						.project("amount", "amount")
						.project("card.last4", "paymentMethod.last4"))
			.part("restaurant",
					(p) -> p.from("restaurant")
						.get("/restaurants/{order.restaurantId}")
						.project("name", "name")
						.defaultValue(CompositionEngineTests.json("{\"name\":\"(unavailable)\"}")))
			.authorize("order.consumerId == principal.consumerId")
			.build(registry);
	}

	private static CompositionRequest alice() {
		return CompositionRequest.of(Map.of("orderId", "7001"))
			.withPrincipal("alice", Map.of("consumerId", 1001))
			.withHeaders(Map.of("Authorization", "Bearer alice-token", "traceparent",
					"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
	}

	private CompositionResult execute(CompositionEngine engine, Composition composition) {
		return engine.execute(composition, alice()).block(Duration.ofSeconds(10));
	}

	@Test
	void orderDetails_allProvidersUp_mergedFreshAndComplete() {
		CompositionResult result = execute(this.engine, this.orderDetails);

		assertThat(result.complete()).isTrue();
		assertThat(result.body().get("ticket").toString())
			.isEqualTo("{\"status\":\"PREPARING\",\"readyBy\":\"2026-11-22T12:30:00Z\"}");
		assertThat(result.body().get("delivery").toString())
			.isEqualTo("{\"status\":\"PICKED_UP\",\"courier\":\"c-17\"}");
		assertThat(result.body().get("bill").toString())
			.isEqualTo("{\"amount\":\"61.70\",\"card\":{\"last4\":\"4242\"}}");
		assertThat(result.body().get("restaurant").toString()).isEqualTo("{\"name\":\"Ajanta\"}");
		assertThat(result.body().get("order").get("orderTotal").asString()).isEqualTo("61.70");
		assertThat(result.parts().values()).allMatch((meta) -> meta.status() == PartStatus.FRESH);
		for (String provider : PROVIDERS) {
			assertThat(server(provider)
				.findAll(getRequestedFor(urlPathEqualTo("/" + path(provider) + "/" + id(provider))))).as(provider)
				.hasSize(1);
		}
	}

	@Test
	void orderDetails_propagatesIdentityAndTraceHeaders() {
		execute(this.engine, this.orderDetails);

		server("kitchen").verify(getRequestedFor(urlPathEqualTo("/tickets/7001"))
			.withHeader("Authorization", equalTo("Bearer alice-token"))
			.withHeader("traceparent", equalTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")));
	}

	@Test
	void orderDetails_independentParts_allReceivedBeforeAnyAnswered() {
		int delayMs = 300;
		server("kitchen")
			.stubFor(get(urlPathEqualTo("/tickets/7001")).willReturn(okJson("{}").withFixedDelay(delayMs)));
		server("delivery")
			.stubFor(get(urlPathEqualTo("/deliveries/7001")).willReturn(okJson("{}").withFixedDelay(delayMs)));
		server("accounting")
			.stubFor(get(urlPathEqualTo("/bills/7001")).willReturn(okJson("{}").withFixedDelay(delayMs)));
		server("restaurant")
			.stubFor(get(urlPathEqualTo("/restaurants/501")).willReturn(okJson("{}").withFixedDelay(delayMs)));

		CompositionResult result = execute(this.engine, this.orderDetails);

		assertThat(result.complete()).isTrue();
		List<Long> received = new ArrayList<>();
		for (String provider : List.of("kitchen", "delivery", "accounting", "restaurant")) {
			List<LoggedRequest> requests = server(provider)
				.findAll(getRequestedFor(urlPathEqualTo("/" + path(provider) + "/" + id(provider))));
			assertThat(requests).hasSize(1);
			received.add(requests.get(0).getLoggedDate().getTime());
		}
		long firstAnswer = received.stream().mapToLong(Long::longValue).min().orElseThrow() + delayMs;
		long lastReceived = received.stream().mapToLong(Long::longValue).max().orElseThrow();
		// Each answer leaves at least delayMs after its request arrived: if the last
		// request
		// arrived before the first answer could have left, all four were in flight at
		// once.
		assertThat(lastReceived).isLessThan(firstAnswer);
	}

	/** The fault kinds of the stubs module, injected with WireMock's own features. */
	enum ProviderFault {

		DELAY_PAST_DEADLINE(FailureReason.TIMEOUT, 504), STATUS_500(FailureReason.HTTP_STATUS, 502),
		CONNECTION_RESET(FailureReason.CONNECT, 502), MALFORMED_JSON(FailureReason.BAD_PAYLOAD, 502),
		PROVIDER_STOPPED(FailureReason.CONNECT, 502), STATUS_404(FailureReason.HTTP_STATUS, 404);

		final FailureReason reason;

		final int requiredStatus;

		ProviderFault(FailureReason reason, int requiredStatus) {
			this.reason = reason;
			this.requiredStatus = requiredStatus;
		}

	}

	private Composition inject(String provider, String path, ProviderFault fault) {
		WireMockServer server = server(provider);
		switch (fault) {
			case DELAY_PAST_DEADLINE ->
				server.stubFor(get(urlPathEqualTo(path)).willReturn(okJson("{}").withFixedDelay(1500)));
			case STATUS_500 -> server.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(500)));
			case STATUS_404 -> server.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(404)));
			case CONNECTION_RESET -> server
				.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
			case MALFORMED_JSON -> server.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"id\": 7001, ")));
			case PROVIDER_STOPPED -> {
				this.registry = registry(Map.of(provider, ProviderDefinition.of("http://localhost:" + closedPort)
					.withRetry(new ProviderDefinition.RetryDefinition(1, null, null, null))));
				this.engine = CompositionEngine.builder(this.registry).build();
			}
		}
		return yamlOrderDetails(this.registry);
	}

	@ParameterizedTest
	@EnumSource(ProviderFault.class)
	void orderDetails_faultOnOptionalDelivery_deliveryOmittedOthersFresh(ProviderFault fault) {
		Composition composition = inject("delivery", "/deliveries/7001", fault);

		CompositionResult result = execute(this.engine, composition);

		PartMetadata delivery = result.parts().get("delivery");
		assertThat(delivery.status()).isEqualTo(PartStatus.OMITTED);
		assertThat(delivery.reason()).isEqualTo(fault.reason);
		assertThat(result.body().has("delivery")).isFalse();
		assertThat(result.complete()).isFalse();
		assertThat(result.parts().get("ticket").status()).isEqualTo(PartStatus.FRESH);
		assertThat(result.parts().get("order").status()).isEqualTo(PartStatus.FRESH);
		assertThat(result.serverTiming()).contains("delivery;dur=")
			.contains("desc=\"omitted " + fault.reason.label() + "\"");
	}

	@ParameterizedTest
	@EnumSource(ProviderFault.class)
	void orderDetails_faultOnRequiredOrder_typedError(ProviderFault fault) {
		Composition composition = inject("order", "/orders/7001", fault);

		StepVerifier.create(this.engine.execute(composition, alice())).expectErrorSatisfies((error) -> {
			CompositionException failure = (CompositionException) error;
			assertThat(failure.httpStatus()).isEqualTo(fault.requiredStatus);
			assertThat(failure.reason()).isEqualTo(fault.reason);
			assertThat(failure.part()).isEqualTo("order");
			assertThat(failure.getMessage()).doesNotContain("localhost")
				.doesNotContain(String.valueOf(closedPort))
				.doesNotContain("Exception");
		}).verify(Duration.ofSeconds(10));
		assertThat(server("kitchen").getAllServeEvents()).isEmpty();
	}

	@Test
	void orderDetails_optionalRestaurantFailsAfterASuccess_servesStaleThenRecovers() {
		execute(this.engine, this.orderDetails);
		server("restaurant").stubFor(get(urlPathEqualTo("/restaurants/501")).willReturn(aResponse().withStatus(503)));

		CompositionResult result = execute(this.engine, this.orderDetails);

		PartMetadata restaurant = result.parts().get("restaurant");
		assertThat(restaurant.status()).isEqualTo(PartStatus.STALE);
		assertThat(restaurant.httpStatus()).isEqualTo(503);
		assertThat(restaurant.age()).isNotNull();
		assertThat(result.body().get("restaurant").toString()).isEqualTo("{\"name\":\"Ajanta\"}");
	}

	@Test
	void orderDetails_optionalWithDefaultAndNoLastGood_servesDefault() {
		server("restaurant").stubFor(get(urlPathEqualTo("/restaurants/501")).willReturn(aResponse().withStatus(500)));

		CompositionResult result = execute(this.engine, this.orderDetails);

		assertThat(result.parts().get("restaurant").status()).isEqualTo(PartStatus.DEFAULT);
		assertThat(result.body().get("restaurant").toString()).isEqualTo("{\"name\":\"(unavailable)\"}");
	}

	@Test
	void orderDetails_concurrentRequests_identicalCallsMadeOnce() {
		server("order").stubFor(get(urlPathEqualTo("/orders/7001"))
			.willReturn(okJson("{\"orderId\":7001,\"consumerId\":1001,\"restaurantId\":501}").withFixedDelay(200)));

		List<CompositionResult> results = Mono
			.zip(this.engine.execute(this.orderDetails, alice()), this.engine.execute(this.orderDetails, alice()),
					this.engine.execute(this.orderDetails, alice()))
			.map((t) -> List.of(t.getT1(), t.getT2(), t.getT3()))
			.block(Duration.ofSeconds(10));

		assertThat(results).allMatch(CompositionResult::complete);
		assertThat(server("order").findAll(getRequestedFor(urlPathEqualTo("/orders/7001")))).hasSize(1);
	}

	@Test
	void orderDetails_idempotentGetFailingOnce_retried() {
		this.registry = registry(Map.of("kitchen", ProviderDefinition.of(server("kitchen").baseUrl())
			.withRetry(new ProviderDefinition.RetryDefinition(2, Duration.ofMillis(20), 0.5, null))));
		this.engine = CompositionEngine.builder(this.registry).build();
		server("kitchen").stubFor(get(urlPathEqualTo("/tickets/7001")).inScenario("flaky")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(503))
			.willSetStateTo("up"));
		server("kitchen").stubFor(get(urlPathEqualTo("/tickets/7001")).inScenario("flaky")
			.whenScenarioStateIs("up")
			.willReturn(okJson("{\"state\":\"READY_FOR_PICKUP\"}")));

		CompositionResult result = execute(this.engine, yamlOrderDetails(this.registry));

		assertThat(result.parts().get("ticket").status()).isEqualTo(PartStatus.FRESH);
		assertThat(result.body().get("ticket").get("status").asString()).isEqualTo("READY_FOR_PICKUP");
		assertThat(server("kitchen").findAll(getRequestedFor(urlPathEqualTo("/tickets/7001")))).hasSize(2);
	}

	@Test
	void orderDetails_otherConsumersOrder_404AndNoDependentCalls() {
		server("order").stubFor(get(urlPathEqualTo("/orders/7001"))
			.willReturn(okJson("{\"orderId\":7001,\"consumerId\":1002,\"restaurantId\":502}")));

		StepVerifier.create(this.engine.execute(this.orderDetails, alice()))
			.expectErrorSatisfies((error) -> assertThat(((CompositionException) error).httpStatus()).isEqualTo(404))
			.verify(Duration.ofSeconds(10));
		for (String provider : List.of("kitchen", "delivery", "accounting", "restaurant")) {
			assertThat(server(provider).getAllServeEvents()).as(provider).isEmpty();
		}
	}

	@Test
	void orderDetails_yamlAndDsl_samePlanAndSameAnswer() {
		Composition yaml = yamlOrderDetails(this.registry);
		Composition dsl = dslOrderDetails(this.registry);

		CompositionResult fromYaml = execute(this.engine, yaml);
		CompositionResult fromDsl = execute(CompositionEngine.builder(this.registry).build(), dsl);

		assertThat(dsl.explain()).isEqualTo(yaml.explain());
		assertThat(fromDsl.body()).isEqualTo(fromYaml.body());
		assertThat(fromDsl.parts().keySet()).containsExactlyElementsOf(fromYaml.parts().keySet());
	}

	@Test
	void fanOut_whereThenPageThenWhen_onlySelectedItemsCalled() {
		server("order").stubFor(get(urlPathEqualTo("/orders")).willReturn(okJson(
				"{\"orders\":[" + "{\"orderId\":1,\"status\":\"APPROVED\"},{\"orderId\":2,\"status\":\"REJECTED\"},"
						+ "{\"orderId\":3,\"status\":\"APPROVED\"},{\"orderId\":4,\"status\":\"CANCELLED\"},"
						+ "{\"orderId\":5,\"status\":\"APPROVED\"},{\"orderId\":6,\"status\":\"PENDING\"},"
						+ "{\"orderId\":7,\"status\":\"CANCELLED\"}]}")));
		server("delivery").stubFor(get(urlPathMatching("/deliveries/[0-9]+"))
			.willReturn(okJson("{\"deliveryInfo\":{\"id\":0,\"state\":\"SCHEDULED\"}}")));
		Composition history = Composition.builder("history")
			.request("GET /history?state&page&size")
			.parameter("state", "enum(APPROVED|REJECTED|CANCELLED|PENDING)")
			.parameter("page", "integer(0..100)")
			.parameter("size", "integer(1..50)")
			.part("history", (p) -> p.from("order").get("/orders").required())
			.part("deliveries",
					(p) -> p.from("delivery")
						.get("/deliveries/{item.orderId}")
						.forEach("history.orders")
						.where("item.status == state")
						.page("page", "size", 3)
						.when("item.status not in [REJECTED, CANCELLED]"))
			.build(this.registry);

		// No state: items 4-6 are the second page of 3; 4 is cancelled, so 5 and 6.
		CompositionResult page = this.engine.execute(history, CompositionRequest.of(Map.of("page", "1"))).block();
		assertThat(deliveryCalls()).containsExactly("/deliveries/5", "/deliveries/6");
		assertThat(page.body().get("deliveries").size()).isEqualTo(2);
		assertThat(page.parts().get("deliveries").items()).isEqualTo(2);

		// state=approved, size 2, page 1: the approved items are 1, 3, 5; the page is 5.
		servers.get("delivery").resetRequests();
		this.engine.execute(history, CompositionRequest.of(Map.of("state", "approved", "page", "1", "size", "2")))
			.block();
		assertThat(deliveryCalls()).containsExactly("/deliveries/5");

		// Nothing given: first page of 3 (1, 2, 3) without the rejected 2.
		servers.get("delivery").resetRequests();
		this.engine.execute(history, CompositionRequest.of(Map.of())).block();
		assertThat(deliveryCalls()).containsExactly("/deliveries/1", "/deliveries/3");
	}

	@Test
	void fanOut_conditionOnAnUnknownParameterOrNotAnItem_refusedAtPlanning() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Composition.builder("history")
				.request("GET /history")
				.part("history", (p) -> p.from("order").get("/orders").required())
				.part("deliveries",
						(p) -> p.from("delivery")
							.get("/deliveries/{item.orderId}")
							.forEach("history.orders")
							.where("item.status == state"))
				.build(this.registry))
			.withMessageContaining("history.parts.deliveries.where");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Composition.builder("history")
				.request("GET /history")
				.part("history", (p) -> p.from("order").get("/orders").required())
				.part("deliveries",
						(p) -> p.from("delivery")
							.get("/deliveries/{item.orderId}")
							.forEach("history.orders")
							.when("history.status in [A]"))
				.build(this.registry))
			.withMessageContaining("expected: the left side reads the item");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Composition.builder("history")
				.request("GET /history?page")
				.part("history", (p) -> p.from("order").get("/orders").required())
				.part("deliveries",
						(p) -> p.from("delivery")
							.get("/deliveries/{item.orderId}")
							.forEach("history.orders")
							.page("page", null, 5))
				.build(this.registry))
			.withMessageContaining("page.number: page (expected: a request parameter of type");
	}

	private static List<String> deliveryCalls() {
		return server("delivery").getAllServeEvents()
			.stream()
			.map((event) -> event.getRequest().getUrl())
			.sorted()
			.toList();
	}

	private static String path(String provider) {
		return switch (provider) {
			case "order" -> "orders";
			case "kitchen" -> "tickets";
			case "delivery" -> "deliveries";
			case "accounting" -> "bills";
			default -> "restaurants";
		};
	}

	private static String id(String provider) {
		return "restaurant".equals(provider) ? "501" : "7001";
	}

}
