package io.ftgo.edge.bff.web;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.server.ResponseStatusException;

import io.ftgo.edge.composition.Composition;
import io.ftgo.edge.composition.CompositionResult;
import io.ftgo.edge.gateway.composition.ComposedResponseShaper;
import io.ftgo.edge.gateway.composition.CompositionContributor;
import io.ftgo.edge.gateway.composition.EdgeCompositionProperties;

/**
 * What bff-web's YAML cannot express: the cancel endpoint (a composition whose second
 * part is a POST) and the order history's shape (active orders enriched, state filter,
 * paging).
 */
@Configuration(proxyBeanMethods = false)
class WebCompositions {

	/** Order states after which an order has nothing left to deliver. */
	static final Set<String> FINISHED = Set.of("REJECTED", "CANCELLED");

	static final int MAX_PAGE_SIZE = 100;

	/**
	 * {@code POST /api/web/orders/{orderId}/cancel}: the order is read first and must be
	 * the caller's ({@code authorize}); only then is the cancel forwarded, once (a POST
	 * is not idempotent: no retry, no collapsing). Another consumer's order is a 404 and
	 * the order service never sees the cancel.
	 */
	@Bean
	CompositionContributor cancelOrder(EdgeCompositionProperties properties, WebClient.Builder webClients,
			JsonMapper json) {
		String orderUrl = properties.providers().get("order").url();
		WebClient client = webClients.clone().baseUrl(orderUrl).build();
		return (providers) -> Composition.builder("cancel-order")
			.request("POST /api/web/orders/{orderId}/cancel")
			.parameter("orderId", "id")
			.timeout(java.time.Duration.ofSeconds(2))
			.part("order", (p) -> p.from("order").get("/orders/{orderId}").required())
			.part("cancel",
					(p) -> p.from("order")
						.required()
						.idempotent(false)
						.uses("order.orderId")
						.source((ctx) -> client.post()
							.uri("/orders/{orderId}/cancel", ctx.value("order.orderId"))
							.headers((headers) -> ctx.request().headers().forEach(headers::set))
							.retrieve()
							.bodyToMono(byte[].class)
							.map((bytes) -> (JsonNode) json.readTree(bytes))))
			.authorize("order.consumerId == principal.consumerId")
			.build(providers);
	}

	/** The cancel answer is the order service's: {orderId, state, orderTotal}. */
	@Bean
	ComposedResponseShaper cancelOrderShape() {
		return new ComposedResponseShaper() {

			@Override
			public String composition() {
				return "cancel-order";
			}

			@Override
			public ObjectNode shape(ServerRequest request, CompositionResult result) {
				return (ObjectNode) result.body().get("cancel").deepCopy();
			}

		};
	}

	/**
	 * {@code GET /api/web/orders?state=&page=&size=}: {orders: [...], page, size,
	 * totalOrders}; each active order carries its {@code delivery} (state and ETA) when
	 * the delivery service answered for it.
	 */
	@Bean
	ComposedResponseShaper orderHistoryShape(JsonMapper json) {
		return new ComposedResponseShaper() {

			@Override
			public String composition() {
				return "order-history";
			}

			@Override
			public ObjectNode shape(ServerRequest request, CompositionResult result) {
				int page = parameter(request, "page", 0, 0, Integer.MAX_VALUE);
				int size = parameter(request, "size", 20, 1, MAX_PAGE_SIZE);
				Optional<String> state = request.queryParam("state")
					.filter((s) -> !s.isBlank())
					.map((s) -> s.toUpperCase(Locale.ROOT));
				Map<String, JsonNode> deliveries = new java.util.HashMap<>();
				JsonNode fetched = result.body().get("deliveries");
				if (fetched != null && fetched.isArray()) {
					for (JsonNode delivery : fetched) {
						if (delivery != null && delivery.hasNonNull("orderId")) {
							deliveries.put(delivery.get("orderId").asString(), delivery);
						}
					}
				}
				ArrayNode matching = json.createArrayNode();
				JsonNode history = result.body().path("history").path("orders");
				Set<String> seen = new HashSet<>();
				for (JsonNode order : history) {
					String status = order.path("status").asString("");
					if (state.isPresent() && !state.get().equals(status)) {
						continue;
					}
					ObjectNode copy = ((ObjectNode) order).deepCopy();
					String orderId = order.path("orderId").asString("");
					JsonNode delivery = deliveries.get(orderId);
					if (!FINISHED.contains(status) && delivery != null && seen.add(orderId)) {
						ObjectNode summary = copy.putObject("delivery");
						summary.set("state", delivery.get("state"));
						if (delivery.hasNonNull("estimatedDeliveryTime")) {
							summary.set("estimatedDeliveryTime", delivery.get("estimatedDeliveryTime"));
						}
					}
					matching.add(copy);
				}
				ObjectNode body = json.createObjectNode();
				ArrayNode orders = body.putArray("orders");
				long from = (long) page * size;
				for (long i = from; i < Math.min(matching.size(), from + size); i++) {
					orders.add(matching.get((int) i));
				}
				body.put("page", page);
				body.put("size", size);
				body.put("totalOrders", matching.size());
				return body;
			}

		};
	}

	static int parameter(ServerRequest request, String name, int defaultValue, int min, int max) {
		Optional<String> text = request.queryParam(name).filter((s) -> !s.isBlank());
		if (text.isEmpty()) {
			return defaultValue;
		}
		try {
			int value = Integer.parseInt(text.get());
			if (value >= min && value <= max) {
				return value;
			}
		}
		catch (NumberFormatException ex) {
			// answered below
		}
		throw new ResponseStatusException(HttpStatus.BAD_REQUEST);
	}

}
