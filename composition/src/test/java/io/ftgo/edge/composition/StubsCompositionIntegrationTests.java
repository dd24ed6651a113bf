package io.ftgo.edge.composition;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.ftgo.edge.stubs.FtgoProviders;
import io.ftgo.edge.stubs.Provider;
import io.ftgo.edge.stubs.ProviderFault;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine against the {@code stubs} module's FTGO providers and their seed data:
 * alice's fault orders 7901-7904, runtime faults injected with {@link ProviderFault}, and
 * a stopped provider. Real time: nothing asserts durations.
 */
class StubsCompositionIntegrationTests {

	private static FtgoProviders providers;

	private ProviderRegistry registry;

	private CompositionEngine engine;

	@BeforeAll
	static void startProviders() {
		providers = FtgoProviders.startOnRandomPorts();
		// First-request costs (Netty, resolver, BlockHound) paid before any deadline
		// runs.
		for (Provider provider : Provider.values()) {
			WebClient.create(providers.baseUrl(provider))
				.get()
				.uri("/warm-up")
				.exchangeToMono((response) -> response.releaseBody())
				.block(Duration.ofSeconds(30));
		}
	}

	@AfterAll
	static void stopProviders() {
		providers.close();
	}

	@BeforeEach
	void freshEngine() {
		for (Provider provider : Provider.values()) {
			if (!providers.isRunning(provider)) {
				providers.start(provider);
			}
		}
		providers.clearFaults();
		providers.resetRequests();
		Map<String, ProviderDefinition> definitions = new LinkedHashMap<>();
		for (Provider provider : Provider.values()) {
			definitions.put(provider.id(),
					ProviderDefinition.of(providers.baseUrl(provider))
						.withTimeout(Duration.ofMillis(700))
						.withShared(provider == Provider.RESTAURANT)
						.withRetry(new ProviderDefinition.RetryDefinition(1, null, null, null)));
		}
		this.registry = ProviderRegistry.of(definitions);
		this.engine = CompositionEngine.builder(this.registry).build();
	}

	private Composition orderDetails() {
		return Composition.of("order-details", EdgeYaml.read("/order-details.yml").compositions().get("order-details"),
				this.registry);
	}

	private Composition orderHistory() {
		return Composition.builder("order-history")
			.request("GET /api/web/orders")
			.part("history", (p) -> p.from("order").get("/orders?consumerId={principal.consumerId}").required())
			.part("restaurants",
					(p) -> p.from("restaurant")
						.get("/restaurants/{item.restaurantId}")
						.forEach("history.orders")
						.concurrency(4)
						.project("id", "id")
						.project("name", "name"))
			.build(this.registry);
	}

	private static CompositionRequest alice(String orderId) {
		return CompositionRequest.of(Map.of("orderId", orderId)).withPrincipal("alice", Map.of("consumerId", 1001));
	}

	private CompositionResult execute(Composition composition, CompositionRequest request) {
		return this.engine.execute(composition, request).block(Duration.ofSeconds(10));
	}

	@Test
	void order7001_allFresh() {
		CompositionResult result = execute(orderDetails(), alice("7001"));

		assertThat(result.complete()).isTrue();
		assertThat(result.body().get("order").get("orderTotal").asString()).isEqualTo("61.70");
		assertThat(result.body().get("restaurant").get("name").asString()).isEqualTo("Ajanta");
		assertThat(providers.requestCount(Provider.ORDER, "GET", "/orders/7001")).isEqualTo(1);
	}

	@ParameterizedTest(name = "order {0}: {1} {2}")
	@CsvSource({ "7901, delivery, TIMEOUT", "7902, ticket, HTTP_STATUS", "7903, bill, CONNECT",
			"7904, restaurant, BAD_PAYLOAD" })
	void seededFaultOrders_degradeExactlyTheFaultedPart(String orderId, String part, FailureReason reason) {
		CompositionResult result = execute(orderDetails(), alice(orderId));

		assertThat(result.parts().get(part).reason()).isEqualTo(reason);
		assertThat(result.parts().get(part).status())
			.isEqualTo("restaurant".equals(part) ? PartStatus.DEFAULT : PartStatus.OMITTED);
		result.parts()
			.entrySet()
			.stream()
			.filter((entry) -> !entry.getKey().equals(part))
			.forEach((entry) -> assertThat(entry.getValue().status()).as(entry.getKey()).isEqualTo(PartStatus.FRESH));
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "delay, 504, TIMEOUT", "status503, 502, HTTP_STATUS", "status404, 404, HTTP_STATUS",
			"reset, 502, CONNECT", "malformed, 502, BAD_PAYLOAD", "stopped, 502, CONNECT" })
	void requiredOrderFaulted_typedError(String fault, int status, FailureReason reason) {
		switch (fault) {
			case "delay" -> providers.inject(Provider.ORDER, ProviderFault.delay(Duration.ofSeconds(3)));
			case "status503" -> providers.inject(Provider.ORDER, ProviderFault.status(503));
			case "status404" -> providers.inject(Provider.ORDER, ProviderFault.status(404));
			case "reset" -> providers.inject(Provider.ORDER, ProviderFault.connectionReset());
			case "malformed" -> providers.inject(Provider.ORDER, ProviderFault.malformedBody());
			default -> providers.stop(Provider.ORDER);
		}

		StepVerifier.create(this.engine.execute(orderDetails(), alice("7001"))).expectErrorSatisfies((error) -> {
			CompositionException failure = (CompositionException) error;
			assertThat(failure.httpStatus()).isEqualTo(status);
			assertThat(failure.reason()).isEqualTo(reason);
			assertThat(failure.getMessage()).doesNotContain("127.0.0.1").doesNotContain("Exception");
		}).verify(Duration.ofSeconds(10));
		assertThat(providers.requestCount(Provider.KITCHEN)).isZero();
	}

	@Test
	void optionalKitchenStopped_ticketOmittedAsConnect() {
		providers.stop(Provider.KITCHEN);

		CompositionResult result = execute(orderDetails(), alice("7001"));

		assertThat(result.parts().get("ticket").reason()).isEqualTo(FailureReason.CONNECT);
		assertThat(result.parts().get("delivery").status()).isEqualTo(PartStatus.FRESH);
	}

	@Test
	void orderHistory_fanOutOverAlicesOrders_brokenRestaurantSkipped() {
		CompositionResult result = execute(orderHistory(), alice("-"));

		PartMetadata restaurants = result.parts().get("restaurants");
		int orders = result.body().has("restaurants") ? restaurants.items() : -1;
		assertThat(restaurants.status()).isEqualTo(PartStatus.PARTIAL);
		assertThat(restaurants.reason()).isEqualTo(FailureReason.BAD_PAYLOAD);
		assertThat(restaurants.failedItems()).isGreaterThanOrEqualTo(1);
		assertThat(result.body().get("restaurants").size()).isEqualTo(orders - restaurants.failedItems());
		// at most one call per item: identical calls in flight at once are collapsed
		assertThat(providers.requestCount(Provider.RESTAURANT)).isLessThanOrEqualTo(orders);
	}

}
