package io.ftgo.edge.bff.web;

import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.mock.web.reactive.function.server.MockServerRequest;
import org.springframework.web.server.ResponseStatusException;

import io.ftgo.edge.composition.CompositionResult;
import io.ftgo.edge.gateway.composition.ComposedResponseShaper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The web shapes (order history, cancel) as pure functions: a composition result and the
 * request's query in, the answer out. No application context, no provider.
 */
class WebShapesTests {

	static final JsonMapper json = JsonMapper.builder().build();

	static final String HISTORY = """
			{"history": {"orders": [
			   {"orderId": 7001, "status": "APPROVED", "orderTotal": "61.70"},
			   {"orderId": 7002, "status": "CANCELLED", "orderTotal": "10.00"},
			   {"orderId": 7003, "status": "APPROVED", "orderTotal": "20.00"}]},
			 "deliveries": [
			   {"orderId": 7001, "state": "PICKED_UP", "estimatedDeliveryTime": "2026-01-01T12:30:00Z"},
			   {"orderId": 7002, "state": "CANCELLED"}]}
			""";

	final WebCompositions compositions = new WebCompositions();

	static String shape(ComposedResponseShaper shaper, MockServerRequest request, String body) {
		return json.writeValueAsString(
				shaper.shape(request, new CompositionResult((ObjectNode) json.readTree(body), Map.of(), true)));
	}

	static MockServerRequest query(String... nameValues) {
		MockServerRequest.Builder builder = MockServerRequest.builder();
		for (int i = 0; i < nameValues.length; i += 2) {
			builder.queryParam(nameValues[i], nameValues[i + 1]);
		}
		return builder.build();
	}

	@Test
	void history_activeOrdersCarryTheirDelivery_finishedOnesDoNot() {
		assertThat(shape(this.compositions.orderHistoryShape(json), query(), HISTORY))
			.isEqualTo("{\"orders\":[" + "{\"orderId\":7001,\"status\":\"APPROVED\",\"orderTotal\":\"61.70\","
					+ "\"delivery\":{\"state\":\"PICKED_UP\",\"estimatedDeliveryTime\":\"2026-01-01T12:30:00Z\"}},"
					+ "{\"orderId\":7002,\"status\":\"CANCELLED\",\"orderTotal\":\"10.00\"},"
					+ "{\"orderId\":7003,\"status\":\"APPROVED\",\"orderTotal\":\"20.00\"}],"
					+ "\"page\":0,\"size\":20,\"totalOrders\":3}");
	}

	@Test
	void history_stateFilterCaseInsensitive_thenPaged() {
		assertThat(shape(this.compositions.orderHistoryShape(json),
				query("state", "approved", "page", "1", "size", "1"), HISTORY))
			.isEqualTo("{\"orders\":[{\"orderId\":7003,\"status\":\"APPROVED\",\"orderTotal\":\"20.00\"}],"
					+ "\"page\":1,\"size\":1,\"totalOrders\":2}");
	}

	@Test
	void history_pageBeyondTheEnd_empty() {
		assertThat(shape(this.compositions.orderHistoryShape(json), query("page", "5"), HISTORY))
			.isEqualTo("{\"orders\":[],\"page\":5,\"size\":20,\"totalOrders\":3}");
	}

	@Test
	void history_badPaging_400() {
		for (String[] bad : new String[][] { { "size", "0" }, { "size", "101" }, { "page", "-1" }, { "page", "x" } }) {
			assertThatExceptionOfType(ResponseStatusException.class).as(String.join("=", bad))
				.isThrownBy(() -> shape(this.compositions.orderHistoryShape(json), query(bad), HISTORY))
				.satisfies((ex) -> assertThat(ex.getStatusCode().value()).isEqualTo(400));
		}
	}

	@Test
	void cancel_isTheOrderServicesAnswer() {
		assertThat(shape(this.compositions.cancelOrderShape(), query(),
				"{\"order\": {\"orderId\": 7001}, \"cancel\": {\"orderId\": 7001, \"state\": \"CANCEL_PENDING\"}}"))
			.isEqualTo("{\"orderId\":7001,\"state\":\"CANCEL_PENDING\"}");
	}

}
