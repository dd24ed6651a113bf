package io.ftgo.edge.bff.partner;

import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.ftgo.edge.composition.CompositionResult;
import io.ftgo.edge.gateway.composition.ComposedResponseShaper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The partner order views (v1 and v2) as pure functions: a composition result in, the
 * partner's view out. No application context, no provider.
 */
class PartnerOrderShapesTests {

	static final JsonMapper json = JsonMapper.builder().build();

	static final String ORDER = """
			{"order": {"orderId": 7001, "restaurantId": 501, "consumerId": 1001, "state": "APPROVED",
			           "total": "61.70", "deliveryAddress": {"street1": "1 Main St"},
			           "lineItems": [{"menuItemId": "1", "name": "Chicken Vindaloo", "quantity": 5,
			                          "price": "12.34"}]},
			 "ticket": {"state": "READY_FOR_PICKUP", "readyBy": "2026-01-01T12:00:00Z", "sequence": 3}}
			""";

	final PartnerOrderShapes shapes = new PartnerOrderShapes();

	static String shape(ComposedResponseShaper shaper, String body) {
		return json.writeValueAsString(
				shaper.shape(null, new CompositionResult((ObjectNode) json.readTree(body), Map.of(), true)));
	}

	@Test
	void v1_moneyAsDecimalString_noConsumerOrAddress() {
		assertThat(shape(this.shapes.partnerOrderV1Shape(json), ORDER))
			.isEqualTo("{\"orderId\":7001,\"restaurantId\":501,\"state\":\"APPROVED\",\"total\":\"61.70\","
					+ "\"lineItems\":[{\"menuItemId\":\"1\",\"name\":\"Chicken Vindaloo\",\"quantity\":5,"
					+ "\"price\":\"12.34\"}],"
					+ "\"ticket\":{\"state\":\"READY_FOR_PICKUP\",\"readyBy\":\"2026-01-01T12:00:00Z\",\"ready\":true}}");
	}

	@Test
	void v2_moneyAsAmountAndCurrency() {
		assertThat(shape(this.shapes.partnerOrderV2Shape(json), ORDER))
			.isEqualTo("{\"orderId\":7001,\"restaurantId\":501,\"state\":\"APPROVED\","
					+ "\"total\":{\"amount\":\"61.70\",\"currency\":\"USD\"},"
					+ "\"lineItems\":[{\"menuItemId\":\"1\",\"name\":\"Chicken Vindaloo\",\"quantity\":5,"
					+ "\"price\":{\"amount\":\"12.34\",\"currency\":\"USD\"}}],"
					+ "\"ticket\":{\"state\":\"READY_FOR_PICKUP\",\"readyBy\":\"2026-01-01T12:00:00Z\",\"ready\":true}}");
	}

	@Test
	void ticket_readyOnlyWhenReadyForPickupOrPickedUp() {
		for (String state : new String[] { "READY_FOR_PICKUP", "PICKED_UP" }) {
			assertThat(ready(state)).as(state).isTrue();
		}
		for (String state : new String[] { "AWAITING_ACCEPTANCE", "ACCEPTED", "PREPARING", "CANCELLED", "" }) {
			assertThat(ready(state)).as(state).isFalse();
		}
	}

	@Test
	void missingTicketAndTotal_leftOutNeverNull() {
		assertThat(shape(this.shapes.partnerOrderV2Shape(json),
				"{\"order\": {\"orderId\": 7001, \"state\": \"APPROVED\", \"total\": null}, \"ticket\": null}"))
			.isEqualTo("{\"orderId\":7001,\"state\":\"APPROVED\",\"lineItems\":[]}");
	}

	@Test
	void shapers_nameTheirCompositions() {
		assertThat(this.shapes.partnerOrderV1Shape(json).composition()).isEqualTo("partner-order-v1");
		assertThat(this.shapes.partnerOrderV2Shape(json).composition()).isEqualTo("partner-order-v2");
	}

	static boolean ready(String ticketState) {
		ObjectNode view = PartnerOrderShapes.order(json,
				json.readTree("{\"order\": {\"orderId\": 1}, \"ticket\": {\"state\": \"" + ticketState + "\"}}"),
				false);
		return view.path("ticket").path("ready").asBoolean();
	}

}
