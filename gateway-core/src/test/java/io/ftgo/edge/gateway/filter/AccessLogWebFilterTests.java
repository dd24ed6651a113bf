package io.ftgo.edge.gateway.filter;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import io.ftgo.edge.gateway.support.ClientAddressResolver;
import io.ftgo.edge.gateway.support.EdgeAttributes;

import static org.assertj.core.api.Assertions.assertThat;

class AccessLogWebFilterTests {

	static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void line_isJsonWithTraceIdFromTheContinuedTraceparent_andEscapesWhatTheClientSent() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/web/orders/7001")
			.header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
		new RequestContextWebFilter(new ClientAddressResolver(List.of())).filter(exchange, (next) -> {
			next.getResponse().setStatusCode(HttpStatus.NOT_FOUND);
			next.getAttributes().put(EdgeAttributes.RATE_LIMIT_ATTR, "ok\nforged");
			return next.getResponse().setComplete();
		}).block();

		JsonNode line = JSON.readTree(new AccessLogWebFilter(JSON).line(exchange, System.nanoTime(), "cancel"));

		assertThat(line.get("method").asString()).isEqualTo("GET");
		assertThat(line.get("path").asString()).isEqualTo("/api/web/orders/7001");
		assertThat(line.get("status").asInt()).isEqualTo(404);
		assertThat(line.get("trace_id").asString()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
		assertThat(line.get("rate_limit").asString()).isEqualTo("ok\nforged");
		assertThat(line.get("signal").asString()).isEqualTo("cancel");
		assertThat(line.has("principal")).isFalse();
	}

}
