package io.ftgo.edge.composition;

import java.time.Duration;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.test.StepVerifier;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Expected payload shapes and typed request parameters against a real HTTP provider
 * (WireMock): a 2xx answer of the wrong shape is {@code bad-payload} and takes the
 * fallback chain; unknown extra fields stay accepted; a malformed parameter is refused
 * before any call.
 */
class PayloadShapeIntegrationTests {

	static final WireMockServer provider = new WireMockServer(
			options().dynamicPort().asynchronousResponseEnabled(true));

	ProviderRegistry registry;

	CompositionEngine engine;

	Composition composition;

	@BeforeAll
	static void start() {
		provider.start();
		WebClient.create(provider.baseUrl())
			.get()
			.uri("/__admin/mappings")
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(30));
	}

	@AfterAll
	static void stop() {
		provider.stop();
	}

	@BeforeEach
	void setUp() {
		provider.resetAll();
		this.registry = ProviderRegistry.of(Map.of("order",
				ProviderDefinition.of(provider.baseUrl())
					.withTimeout(Duration.ofSeconds(2))
					.withRetry(new ProviderDefinition.RetryDefinition(1, null, null, null)),
				"kitchen",
				ProviderDefinition.of(provider.baseUrl())
					.withTimeout(Duration.ofSeconds(2))
					.withRetry(new ProviderDefinition.RetryDefinition(1, null, null, null))));
		this.engine = CompositionEngine.builder(this.registry).build();
		this.composition = Composition.builder("shapes")
			.request("GET /orders/{orderId}")
			.parameter("orderId", "id")
			.part("order",
					(p) -> p.from("order")
						.get("/orders/{orderId}")
						.required()
						.expect(new PayloadShape("object", Map.of("orderId", "integer", "state", "string"))))
			.part("lines", (p) -> p.from("order").get("/orders/{order.orderId}/lines").expect(PayloadShape.ARRAY))
			.part("ticket", (p) -> p.from("kitchen").get("/tickets/{order.orderId}"))
			.build(this.registry);
		stub("/orders/7001", "{\"orderId\":7001,\"state\":\"APPROVED\",\"unknownExtra\":{\"x\":[1,2]}}");
		stub("/orders/7001/lines", "[{\"menuItemId\":\"1\",\"quantity\":2}]");
		stub("/tickets/7001", "{\"state\":\"PREPARING\",\"somethingNew\":true}");
	}

	static void stub(String path, String body) {
		provider.stubFor(get(urlPathEqualTo(path)).willReturn(okJson(body)));
	}

	CompositionResult run(String orderId) {
		return this.engine.execute(this.composition, CompositionRequest.of(Map.of("orderId", orderId)))
			.block(Duration.ofSeconds(10));
	}

	@Test
	void rightShapes_withUnknownExtraFields_freshAndExtrasKept() {
		CompositionResult result = run("7001");

		assertThat(result.complete()).isTrue();
		assertThat(result.body().path("order").path("unknownExtra").path("x").size()).isEqualTo(2);
		assertThat(result.body().path("ticket").path("somethingNew").asBoolean()).isTrue();
		assertThat(result.body().path("lines").isArray()).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "[]", "[{\"orderId\":7001}]", "\"order\"", "42", "null", "true" })
	void requiredObjectPart_wrongShape_badPayload502(String body) {
		stub("/orders/7001", body);

		StepVerifier.create(this.engine.execute(this.composition, CompositionRequest.of(Map.of("orderId", "7001"))))
			.expectErrorSatisfies((error) -> {
				CompositionException failure = (CompositionException) error;
				assertThat(failure.kind()).isEqualTo(CompositionException.Kind.BAD_GATEWAY);
				assertThat(failure.reason()).isEqualTo(FailureReason.BAD_PAYLOAD);
				assertThat(failure.part()).isEqualTo("order");
			})
			.verify(Duration.ofSeconds(10));
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"orderId\":7001}", "{\"orderId\":\"7001\",\"state\":\"APPROVED\"}",
			"{\"orderId\":7001.5,\"state\":\"APPROVED\"}", "{\"orderId\":7001,\"state\":null}" })
	void requiredObjectPart_missingOrMistypedField_badPayload(String body) {
		stub("/orders/7001", body);

		StepVerifier.create(this.engine.execute(this.composition, CompositionRequest.of(Map.of("orderId", "7001"))))
			.expectErrorSatisfies(
					(error) -> assertThat(((CompositionException) error).reason()).isEqualTo(FailureReason.BAD_PAYLOAD))
			.verify(Duration.ofSeconds(10));
	}

	@ParameterizedTest
	@ValueSource(strings = { "{}", "{\"lines\":[]}", "\"lines\"", "7", "null" })
	void optionalArrayPart_wrongShape_omittedWithBadPayload(String body) {
		stub("/orders/7001/lines", body);

		CompositionResult result = run("7001");

		assertThat(result.parts().get("lines").status()).isEqualTo(PartStatus.OMITTED);
		assertThat(result.parts().get("lines").reason()).isEqualTo(FailureReason.BAD_PAYLOAD);
		assertThat(result.body().has("lines")).isFalse();
		assertThat(result.parts().get("order").status()).isEqualTo(PartStatus.FRESH);
	}

	@ParameterizedTest
	@ValueSource(strings = { "[]", "\"ticket\"", "3.5", "null" })
	void optionalObjectPart_wrongShapeAfterAGoodAnswer_servedStaleNeverCachesTheBadOne(String body) {
		run("7001");
		stub("/tickets/7001", body);

		CompositionResult stale = run("7001");
		CompositionResult again = run("7001");

		assertThat(stale.parts().get("ticket").status()).isEqualTo(PartStatus.STALE);
		assertThat(stale.parts().get("ticket").reason()).isEqualTo(FailureReason.BAD_PAYLOAD);
		assertThat(stale.body().path("ticket").path("state").asString()).isEqualTo("PREPARING");
		assertThat(again.parts().get("ticket").status()).isEqualTo(PartStatus.STALE);
		assertThat(again.body().path("ticket").path("state").asString()).isEqualTo("PREPARING");
	}

	@ParameterizedTest
	@ValueSource(strings = { "-1", "1e3", "0x1B59", "7001,7002", "7001.json", " 7001", "@127.0.0.1:9085", "' OR '1'='1",
			"99999999999999999999" })
	void malformedTypedParameter_badRequestNamingItAndNothingCalled(String orderId) {
		StepVerifier.create(this.engine.execute(this.composition, CompositionRequest.of(Map.of("orderId", orderId))))
			.expectErrorSatisfies((error) -> {
				CompositionException failure = (CompositionException) error;
				assertThat(failure.kind()).isEqualTo(CompositionException.Kind.BAD_REQUEST);
				assertThat(failure.getMessage()).startsWith("Parameter 'orderId' must be a positive integer id")
					.doesNotContain(orderId);
			})
			.verify(Duration.ofSeconds(10));

		assertThat(provider.findAll(anyRequestedFor(anyUrl()))).isEmpty();
	}

	@Test
	void explain_showsParameterTypesAndExpectedShapes() {
		CompositionPlan plan = this.composition.explain();

		assertThat(plan.parameters()).containsExactly(Map.entry("orderId", "id"));
		assertThat(plan.stages().get(0).parts().get(0).expect()).isEqualTo("object {orderId: integer, state: string}");
		assertThat(plan.describe()).contains("parameters {orderId=id}", "expect array");
	}

}
