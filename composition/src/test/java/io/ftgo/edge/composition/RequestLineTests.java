package io.ftgo.edge.composition;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RequestLineTests {

	@Test
	void parse_methodPathAndQueryNames() {
		RequestLine line = RequestLine.parse("k", "  GET   /api/web/orders/{orderId}?state&page& ");

		assertThat(line.method()).isEqualTo("GET");
		assertThat(line.path()).isEqualTo("/api/web/orders/{orderId}");
		assertThat(line.queryNames()).isEqualTo(List.of("state", "page"));
	}

	@Test
	void parse_noQuery_emptyNames() {
		assertThat(RequestLine.parse("k", "POST /orders/{id}/cancel"))
			.isEqualTo(new RequestLine("POST", "/orders/{id}/cancel", List.of()));
	}

	@Test
	void parse_notAMethodAndPath_namesTheKey() {
		assertThatIllegalArgumentException().isThrownBy(() -> RequestLine.parse("edge.compositions.x.request", "/a"))
			.withMessage(
					"edge.compositions.x.request: /a (expected: METHOD /path/{param}, e.g. GET /orders/{orderId})");
		assertThatIllegalArgumentException().isThrownBy(() -> RequestLine.parse("k", null))
			.withMessageStartingWith("k: null (expected");
	}

}
