package io.ftgo.edge.bff.partner;

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
 * The partner view of an order, in two versions. v1: money as a decimal string
 * ({@code "61.70"}); v2: money as {@code {amount, currency}}. Both: {orderId,
 * restaurantId, state, total, lineItems: [{menuItemId, name, quantity, price}], ticket:
 * {state, readyBy, ready}}, where {@code ready} says whether the kitchen has the order
 * ready for pickup (or already picked up).
 */
@Configuration(proxyBeanMethods = false)
class PartnerOrderShapes {

	/** The currency of every FTGO amount. */
	static final String CURRENCY = "USD";

	@Bean
	ComposedResponseShaper partnerOrderV1Shape(JsonMapper json) {
		return shaper("partner-order-v1", json, false);
	}

	@Bean
	ComposedResponseShaper partnerOrderV2Shape(JsonMapper json) {
		return shaper("partner-order-v2", json, true);
	}

	static ComposedResponseShaper shaper(String name, JsonMapper json, boolean v2) {
		return new ComposedResponseShaper() {

			@Override
			public String composition() {
				return name;
			}

			@Override
			public ObjectNode shape(ServerRequest request, CompositionResult result) {
				return order(json, result.body(), v2);
			}

		};
	}

	static ObjectNode order(JsonMapper json, JsonNode body, boolean v2) {
		JsonNode order = body.path("order");
		ObjectNode view = json.createObjectNode();
		set(view, "orderId", order.get("orderId"));
		set(view, "restaurantId", order.get("restaurantId"));
		set(view, "state", order.get("state"));
		set(view, "total", money(json, order.get("total"), v2));
		ArrayNode items = view.putArray("lineItems");
		for (JsonNode item : order.path("lineItems")) {
			ObjectNode line = items.addObject();
			set(line, "menuItemId", item.get("menuItemId"));
			set(line, "name", item.get("name"));
			set(line, "quantity", item.get("quantity"));
			set(line, "price", money(json, item.get("price"), v2));
		}
		JsonNode ticket = body.get("ticket");
		if (ticket != null && ticket.isObject()) {
			ObjectNode readiness = view.putObject("ticket");
			set(readiness, "state", ticket.get("state"));
			set(readiness, "readyBy", ticket.get("readyBy"));
			String state = ticket.path("state").asString("");
			readiness.put("ready", state.equals("READY_FOR_PICKUP") || state.equals("PICKED_UP"));
		}
		return view;
	}

	static JsonNode money(JsonMapper json, JsonNode amount, boolean v2) {
		if (amount == null || amount.isNull() || !v2) {
			return amount;
		}
		ObjectNode money = json.createObjectNode();
		money.put("amount", amount.asString());
		money.put("currency", CURRENCY);
		return money;
	}

	private static void set(ObjectNode target, String name, JsonNode value) {
		if (value != null && !value.isNull() && !value.isMissingNode()) {
			target.set(name, value);
		}
	}

}
