package io.ftgo.edge.composition;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The planner: dependencies inferred from references, rejections naming the key and the
 * fix, and the plan as data.
 */
class CompositionPlannerTests {

	private static final ProviderRegistry PROVIDERS = ProviderRegistry.of(Map.of("order",
			ProviderDefinition.of("http://localhost:9081").withTimeout(Duration.ofMillis(800)), "kitchen",
			ProviderDefinition.of("http://localhost:9082")
				.withFallback(new ProviderDefinition.FallbackDefinition(Duration.ofMinutes(10), null)),
			"delivery", ProviderDefinition.of("http://localhost:9083"), "restaurant",
			ProviderDefinition.of("http://localhost:9086").withShared(true)));

	private static Map<String, PartDefinition> parts(Object... nameAndPart) {
		Map<String, PartDefinition> parts = new LinkedHashMap<>();
		for (int i = 0; i < nameAndPart.length; i += 2) {
			parts.put((String) nameAndPart[i], (PartDefinition) nameAndPart[i + 1]);
		}
		return parts;
	}

	private static PartDefinition required(String from, String get) {
		return new PartDefinition(from, get, true, null, null, null, null, null, null, null, null, null, null, null,
				null);
	}

	private static Composition plan(String request, Map<String, PartDefinition> parts) {
		return Composition.of("order-details", CompositionDefinition.of(request, parts), PROVIDERS);
	}

	@Test
	void plan_orderThenThreeInParallel() {
		Composition composition = plan("GET /api/web/orders/{orderId}",
				parts("order", required("order", "/orders/{orderId}"), "ticket",
						PartDefinition.of("kitchen", "/tickets/{order.orderId}"), "delivery",
						PartDefinition.of("delivery", "/deliveries/{order.orderId}"), "restaurant",
						PartDefinition.of("restaurant", "/restaurants/{order.restaurantId}")));

		CompositionPlan plan = composition.explain();

		assertThat(plan.stages()).hasSize(2);
		assertThat(plan.stages().get(0).parts()).extracting(CompositionPlan.Step::name).containsExactly("order");
		assertThat(plan.stages().get(1).parts()).extracting(CompositionPlan.Step::name)
			.containsExactly("ticket", "delivery", "restaurant");
		CompositionPlan.Step ticket = plan.stages().get(1).parts().get(0);
		assertThat(ticket.dependsOn()).containsExactly("order");
		assertThat(ticket.fallback()).containsExactly("stale PT10M", "omit");
		assertThat(ticket.maxAttempts()).isEqualTo(2);
		assertThat(ticket.collapsed()).isTrue();
		assertThat(plan.stages().get(0).parts().get(0).fallback()).containsExactly("fail");
		assertThat(plan.stages().get(0).parts().get(0).timeout()).isEqualTo(Duration.ofMillis(800));
		assertThat(plan.stages().get(1).parts().get(2).shared()).isTrue();
		assertThat(plan.describe()).contains("stage 1 (parallel)")
			.contains("ticket [optional] kitchen GET /tickets/{order.orderId} after [order]");
	}

	@Test
	void plan_cycle_rejectedWithThePath() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> plan("GET /x",
					parts("a", PartDefinition.of("order", "/a/{b.id}"), "b", PartDefinition.of("kitchen", "/b/{c.id}"),
							"c", PartDefinition.of("delivery", "/c/{a.id}"))))
			.withMessage("edge.compositions.order-details.parts: cycle a -> b -> c -> a"
					+ " (fix: remove one of these references; parts cannot wait on each other)");
	}

	@Test
	void plan_referenceToUnknownPart_rejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> plan("GET /orders/{orderId}",
					parts("order", required("order", "/orders/{orderId}"), "ticket",
							PartDefinition.of("kitchen", "/tickets/{ordr.orderId}"))))
			.withMessageStartingWith(
					"edge.compositions.order-details.parts.ticket.get: {ordr.orderId} names unknown part 'ordr'")
			.withMessageContaining("fix: correct the name or add parts.ordr");
	}

	@Test
	void plan_unknownProvider_rejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> plan("GET /x", parts("bill", PartDefinition.of("accounting", "/bills/1"))))
			.withMessageStartingWith("edge.compositions.order-details.parts.bill.from: unknown provider 'accounting'")
			.withMessageContaining("fix: correct the id or add edge.providers.accounting");
	}

	@Test
	void plan_referenceToFieldNotProjected_rejected() {
		PartDefinition order = new PartDefinition("order", "/orders/{orderId}", true,
				Map.of("id", "orderId", "state", "state"), null, null, null, null, null, null, null, null, null, null,
				null);

		assertThatIllegalArgumentException()
			.isThrownBy(() -> plan("GET /orders/{orderId}",
					parts("order", order, "restaurant",
							PartDefinition.of("restaurant", "/restaurants/{order.restaurantId}"))))
			.withMessageStartingWith(
					"edge.compositions.order-details.parts.restaurant.get: {order.restaurantId} reads field"
							+ " 'restaurantId' that part 'order' does not project")
			.withMessageContaining("fix: add it to parts.order.project or correct the field");
	}

	@Test
	void plan_requiredPartDependsOnOptional_rejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> plan("GET /orders/{orderId}",
					parts("order", PartDefinition.of("order", "/orders/{orderId}"), "ticket",
							required("kitchen", "/tickets/{order.orderId}"))))
			.withMessage("edge.compositions.order-details.parts.ticket: required part depends on optional part 'order'"
					+ " (fix: make 'order' required or 'ticket' optional)");
	}

	@Test
	void plan_requestParameterNeverSupplied_rejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> plan("GET /api/web/orders/{id}", parts("order", required("order", "/orders/{orderId}"))))
			.withMessageStartingWith(
					"edge.compositions.order-details.parts.order.get: {orderId} is a request parameter that"
							+ " 'request' never supplies (supplied: [id]")
			.withMessageContaining("fix: add {orderId} to the request path or ?orderId to its query");
	}

	@Test
	void plan_queryParameterDeclared_accepted() {
		Composition composition = plan("GET /api/web/orders?consumerId",
				parts("history", required("order", "/orders?consumerId={consumerId}")));

		assertThat(composition.explain().stages().get(0).parts().get(0).call())
			.isEqualTo("GET /orders?consumerId={consumerId}");
	}

	@Test
	void plan_authorizeOnOptionalPart_rejected() {
		CompositionDefinition definition = new CompositionDefinition("GET /orders/{orderId}",
				parts("order", PartDefinition.of("order", "/orders/{orderId}")),
				"order.consumerId == principal.consumerId", null, null);

		assertThatIllegalArgumentException().isThrownBy(() -> Composition.of("order-details", definition, PROVIDERS))
			.withMessage("edge.compositions.order-details.authorize: reads optional part 'order'"
					+ " (fix: make parts.order required; an omitted part cannot be checked)");
	}

	@Test
	void plan_authorizeMembershipInPrincipalList_planned() {
		CompositionDefinition definition = new CompositionDefinition("GET /v1/orders/{orderId}",
				parts("order", required("order", "/orders/{orderId}")), "order.restaurantId in principal.restaurantIds",
				null, null);

		Composition composition = Composition.of("partner-order", definition, PROVIDERS);

		assertThat(composition.explain().authorize()).isEqualTo("order.restaurantId in principal.restaurantIds");
	}

	@Test
	void plan_authorizeMembershipWithoutList_rejected() {
		CompositionDefinition definition = new CompositionDefinition("GET /v1/orders/{orderId}",
				parts("order", required("order", "/orders/{orderId}")), "order.restaurantId in ", null, null);

		assertThatIllegalArgumentException().isThrownBy(() -> Composition.of("partner-order", definition, PROVIDERS))
			.withMessageStartingWith("edge.compositions.partner-order.authorize: order.restaurantId in ")
			.withMessageContaining("<reference> in <list reference>");
	}

	@Test
	void plan_fanOutOverNonPart_rejectedAndItemOutsideFanOut_rejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(
					() -> plan("GET /x",
							parts("r", new PartDefinition("restaurant", "/restaurants/{item.id}", null, null,
									"principal.orders", null, null, null, null, null, null, null, null, null, null))))
			.withMessageStartingWith("edge.compositions.order-details.parts.r.for-each: principal.orders");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> plan("GET /x", parts("r", PartDefinition.of("restaurant", "/restaurants/{item.id}"))))
			.withMessageContaining("has no for-each (fix: add for-each)");
	}

	@Test
	void providers_badSettings_rejectedNamingTheKeyAndExpectation() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProviderRegistry.of(Map.of("kitchen",
					ProviderDefinition.of("http://localhost:9082").withTimeout(Duration.ofSeconds(-1)))))
			.withMessage("edge.providers.kitchen.timeout: PT-1S (expected: > 0)");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProviderRegistry.of(Map.of("kitchen", ProviderDefinition.of("localhost:9082"))))
			.withMessage("edge.providers.kitchen.url: localhost:9082 (expected: an absolute http(s) URL)");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProviderRegistry.of(Map.of("kitchen",
					ProviderDefinition.of("http://localhost:9082")
						.withRetry(new ProviderDefinition.RetryDefinition(0, null, null, null)))))
			.withMessage("edge.providers.kitchen.retry.max-attempts: 0 (expected: >= 1)");
	}

	@Test
	void yaml_architectureSketchAsWritten_rejectedBecauseDeliveryIsNotAProvider() {
		EdgeYaml edge = EdgeYaml.read("/architecture-sketch.yml");
		ProviderRegistry providers = ProviderRegistry.of(edge.providers());

		assertThatIllegalArgumentException()
			.isThrownBy(() -> Composition.of("order-details", edge.compositions().get("order-details"), providers))
			.withMessageStartingWith("edge.compositions.order-details.parts.delivery.from: unknown provider 'delivery'"
					+ " (expected: one of [order, kitchen, restaurant]");
	}

	@Test
	void yaml_architectureSketch_bindsOneToOneToTheRecords() {
		EdgeYaml edge = EdgeYaml.read("/architecture-sketch.yml");
		Map<String, ProviderDefinition> providers = new LinkedHashMap<>(edge.providers());
		providers.put("delivery", ProviderDefinition.of("http://localhost:9083"));

		Composition composition = Composition.of("order-details", edge.compositions().get("order-details"),
				ProviderRegistry.of(providers));

		assertThat(edge.providers().get("kitchen"))
			.isEqualTo(new ProviderDefinition("http://localhost:9082", Duration.ofMillis(500), null, null, null, null,
					new ProviderDefinition.FallbackDefinition(Duration.ofMinutes(10), null), null, null, null, null,
					null, null));
		assertThat(edge.providers().get("restaurant").shared()).isTrue();
		CompositionDefinition definition = edge.compositions().get("order-details");
		assertThat(definition.parts().get("order")).isEqualTo(new PartDefinition("order", "/orders/{orderId}", true,
				null, null, null, null, null, null, null, null, null, null, null, null));
		assertThat(definition.authorize()).isEqualTo("order.consumerId == principal.consumerId");
		CompositionPlan plan = composition.explain();
		assertThat(plan.stages()).extracting((stage) -> stage.parts().stream().map(CompositionPlan.Step::name).toList())
			.containsExactly(List.of("order"), List.of("ticket", "delivery", "restaurant"));
		assertThat(plan.authorize()).isEqualTo("order.consumerId == principal.consumerId");
	}

}
