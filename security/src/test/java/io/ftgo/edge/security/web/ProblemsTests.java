package io.ftgo.edge.security.web;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemsTests {

	@Test
	void catalogue_fixedDetailAndCodePerStatus() {
		ProblemDetail problem = Problems.forStatus(HttpStatus.GATEWAY_TIMEOUT);

		assertThat(problem.getStatus()).isEqualTo(504);
		assertThat(problem.getDetail()).isEqualTo("An upstream service did not answer in time");
		assertThat(Problems.code(problem)).isEqualTo("upstream_timeout");
		assertThat(Problems.code(Problems.forStatus(HttpStatus.I_AM_A_TEAPOT))).isNull();
	}

	@Test
	void json_rfc9457MembersInOrder_codeLast_textEscapedByJackson() {
		byte[] json = Problems.json(
				Problems.of(HttpStatus.BAD_REQUEST, "Parameter \"id\"\nis bad", "invalid_parameter"),
				"/api/web/orders/x");

		assertThat(new String(json, StandardCharsets.UTF_8))
			.isEqualTo("{\"type\":\"about:blank\",\"title\":\"Bad Request\","
					+ "\"status\":400,\"detail\":\"Parameter \\\"id\\\"\\nis bad\",\"instance\":\"/api/web/orders/x\","
					+ "\"code\":\"invalid_parameter\"}");
	}

	@Test
	void write_problemJsonNoStore_instanceIsThePath() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/web/orders/7001"));

		Problems.write(exchange, Problems.forStatus(HttpStatus.NOT_FOUND)).block();

		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(exchange.getResponse().getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(exchange.getResponse().getHeaders().getCacheControl()).isEqualTo("no-store");
		assertThat(exchange.getResponse().getBodyAsString().block())
			.isEqualTo("{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,"
					+ "\"detail\":\"No such resource\",\"instance\":\"/api/web/orders/7001\",\"code\":\"not_found\"}");
	}

}
