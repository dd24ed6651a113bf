package io.ftgo.edge.bff.mobile;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.ServerRequest;

import io.ftgo.edge.composition.CompositionResult;
import io.ftgo.edge.gateway.composition.ComposedResponseShaper;

/**
 * The mobile response shapes: flat status cards, small enough for polling over slow
 * networks. Absent values are left out, never sent as {@code null}.
 */
@Configuration(proxyBeanMethods = false)
class MobileShapes {

	/** Order states after which an order is no longer active. */
	static final Set<String> FINISHED = Set.of("REJECTED", "CANCELLED");

	/**
	 * {@code GET /api/mobile/orders/{orderId}/status}: {orderId, state, total,
	 * restaurant, delivery, eta, courier: {lat, lng}}.
	 */
	@Bean
	ComposedResponseShaper orderStatusShape(JsonMapper json) {
		return shaper("order-status", (request, result) -> {
			JsonNode body = result.body();
			JsonNode order = body.path("order");
			return card(json, order.get("orderId"), order.get("state"), order.get("total"),
					body.path("restaurant").get("name"), body.get("delivery"));
		});
	}

	/** {@code GET /api/mobile/home}: {firstName, activeOrders: [status card...]}. */
	@Bean
	ComposedResponseShaper homeShape(JsonMapper json) {
		return shaper("home", (request, result) -> {
			JsonNode body = result.body();
			Map<String, JsonNode> totals = byOrderId(body.get("orders"));
			Map<String, JsonNode> deliveries = byOrderId(body.get("deliveries"));
			ObjectNode home = json.createObjectNode();
			JsonNode firstName = body.path("consumer").get("firstName");
			if (firstName != null && !firstName.isNull()) {
				home.set("firstName", firstName);
			}
			ArrayNode cards = home.putArray("activeOrders");
			for (JsonNode order : body.path("history").path("orders")) {
				String state = order.path("status").asString("");
				if (FINISHED.contains(state)) {
					continue;
				}
				String id = order.path("orderId").asString("");
				JsonNode details = totals.get(id);
				JsonNode total = (details != null) ? details.get("total") : null;
				cards.add(card(json, order.get("orderId"), order.get("status"), total, order.get("restaurantName"),
						deliveries.get(id)));
			}
			return home;
		});
	}

	/**
	 * {@code GET /api/mobile/restaurants/{id}/menu}: {id, name, menu: [{id, name,
	 * price}]}.
	 */
	@Bean
	ComposedResponseShaper restaurantMenuShape(JsonMapper json) {
		return shaper("restaurant-menu", (request, result) -> {
			JsonNode restaurant = result.body().path("restaurant");
			ObjectNode menu = json.createObjectNode();
			copy(restaurant, menu, "id", "id");
			copy(restaurant, menu, "name", "name");
			ArrayNode items = menu.putArray("menu");
			for (JsonNode item : restaurant.path("menu")) {
				ObjectNode trimmed = items.addObject();
				copy(item, trimmed, "id", "id");
				copy(item, trimmed, "name", "name");
				copy(item, trimmed, "price", "price");
			}
			return menu;
		});
	}

	static ObjectNode card(JsonMapper json, JsonNode orderId, JsonNode state, JsonNode total, JsonNode restaurant,
			JsonNode delivery) {
		ObjectNode card = json.createObjectNode();
		set(card, "orderId", orderId);
		set(card, "state", state);
		set(card, "total", total);
		set(card, "restaurant", restaurant);
		if (delivery != null && delivery.isObject()) {
			set(card, "delivery", delivery.get("state"));
			set(card, "eta", delivery.get("eta"));
			set(card, "courier", delivery.get("courier"));
		}
		return card;
	}

	private static Map<String, JsonNode> byOrderId(JsonNode items) {
		Map<String, JsonNode> byId = new HashMap<>();
		if (items != null && items.isArray()) {
			for (JsonNode item : items) {
				if (item != null && item.hasNonNull("orderId")) {
					byId.putIfAbsent(item.get("orderId").asString(), item);
				}
			}
		}
		return byId;
	}

	private static void set(ObjectNode target, String name, JsonNode value) {
		if (value != null && !value.isNull() && !value.isMissingNode()) {
			target.set(name, value);
		}
	}

	private static void copy(JsonNode source, ObjectNode target, String from, String to) {
		set(target, to, source.get(from));
	}

	private static ComposedResponseShaper shaper(String name,
			java.util.function.BiFunction<ServerRequest, CompositionResult, ObjectNode> shape) {
		return new ComposedResponseShaper() {

			@Override
			public String composition() {
				return name;
			}

			@Override
			public ObjectNode shape(ServerRequest request, CompositionResult result) {
				return shape.apply(request, result);
			}

		};
	}

}
