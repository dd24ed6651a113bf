package io.ftgo.edge.bff.mobile;

import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.ftgo.edge.composition.CompositionResult;
import io.ftgo.edge.gateway.composition.ComposedResponseShaper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mobile shapes as the pure functions they are: a composition result in, a card out.
 * No application context, no provider.
 */
class MobileShapesTests {

	static final JsonMapper json = JsonMapper.builder().build();

	final MobileShapes shapes = new MobileShapes();

	static CompositionResult result(String body) {
		return new CompositionResult((ObjectNode) json.readTree(body), Map.of(), true);
	}

	static String shape(ComposedResponseShaper shaper, String body) {
		return json.writeValueAsString(shaper.shape(null, result(body)));
	}

	@Test
	void orderStatus_flatCard() {
		String card = shape(this.shapes.orderStatusShape(json), """
				{"order": {"orderId": 7001, "state": "APPROVED", "total": "61.70", "consumerId": 1001,
				           "lineItems": [{"menuItemId": "1", "quantity": 2}]},
				 "restaurant": {"id": 501, "name": "Ajanta", "address": {"city": "Oakland"}},
				 "delivery": {"state": "PICKED_UP", "eta": "2026-01-01T12:30:00Z",
				              "courier": {"lat": 37.8, "lng": -122.27}, "courierId": 7}}
				""");

		assertThat(card).isEqualTo("{\"orderId\":7001,\"state\":\"APPROVED\",\"total\":\"61.70\","
				+ "\"restaurant\":\"Ajanta\",\"delivery\":\"PICKED_UP\",\"eta\":\"2026-01-01T12:30:00Z\","
				+ "\"courier\":{\"lat\":37.8,\"lng\":-122.27}}");
	}

	@Test
	void orderStatus_missingParts_leftOutNeverNull() {
		String card = shape(this.shapes.orderStatusShape(json), """
				{"order": {"orderId": 7001, "state": "APPROVED", "total": null},
				 "restaurant": null, "delivery": null}
				""");

		assertThat(card).isEqualTo("{\"orderId\":7001,\"state\":\"APPROVED\"}");
	}

	@Test
	void home_activeOrdersOnly_withTotalsAndDeliveriesJoinedByOrderId() {
		String home = shape(this.shapes.homeShape(json), """
				{"consumer": {"firstName": "Alice", "lastName": "Smith"},
				 "history": {"orders": [
				   {"orderId": 7001, "status": "APPROVED", "restaurantName": "Ajanta"},
				   {"orderId": 7002, "status": "CANCELLED", "restaurantName": "Ajanta"},
				   {"orderId": 7003, "status": "REJECTED", "restaurantName": "Eggshop"},
				   {"orderId": 7004, "status": "PREPARING", "restaurantName": "Eggshop"}]},
				 "orders": [{"orderId": 7001, "total": "61.70"}, {"orderId": 7004, "total": "9.50"}],
				 "deliveries": [{"orderId": 7004, "state": "SCHEDULED", "eta": "2026-01-01T13:00:00Z"}]}
				""");

		assertThat(home).isEqualTo("{\"firstName\":\"Alice\",\"activeOrders\":["
				+ "{\"orderId\":7001,\"state\":\"APPROVED\",\"total\":\"61.70\",\"restaurant\":\"Ajanta\"},"
				+ "{\"orderId\":7004,\"state\":\"PREPARING\",\"total\":\"9.50\",\"restaurant\":\"Eggshop\","
				+ "\"delivery\":\"SCHEDULED\",\"eta\":\"2026-01-01T13:00:00Z\"}]}");
	}

	@Test
	void home_noConsumerNoHistory_emptyActiveOrders() {
		String home = shape(this.shapes.homeShape(json), "{\"consumer\": null, \"history\": null}");

		assertThat(home).isEqualTo("{\"activeOrders\":[]}");
	}

	@Test
	void restaurantMenu_trimmedToIdsNamesPrices() {
		JsonNode menu = json.readTree(shape(this.shapes.restaurantMenuShape(json), """
				{"restaurant": {"id": 501, "name": "Ajanta", "address": {"city": "Oakland"},
				 "menu": [{"id": "1", "name": "Chicken Vindaloo", "price": "12.34", "description": "hot"},
				          {"id": "2", "name": "Naan", "price": "2.50", "imageUrl": "x"}]}}
				"""));

		assertThat(json.writeValueAsString(menu)).isEqualTo("{\"id\":501,\"name\":\"Ajanta\",\"menu\":["
				+ "{\"id\":\"1\",\"name\":\"Chicken Vindaloo\",\"price\":\"12.34\"},"
				+ "{\"id\":\"2\",\"name\":\"Naan\",\"price\":\"2.50\"}]}");
	}

	@Test
	void shapers_nameTheirCompositions() {
		assertThat(this.shapes.orderStatusShape(json).composition()).isEqualTo("order-status");
		assertThat(this.shapes.homeShape(json).composition()).isEqualTo("home");
		assertThat(this.shapes.restaurantMenuShape(json).composition()).isEqualTo("restaurant-menu");
	}

}
