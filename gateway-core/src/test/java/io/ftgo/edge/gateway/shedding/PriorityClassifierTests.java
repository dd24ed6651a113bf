package io.ftgo.edge.gateway.shedding;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

class PriorityClassifierTests {

	static EdgeConcurrencyProperties properties(List<EdgeConcurrencyProperties.Rule> rules) {
		Map<String, Integer> partitions = new LinkedHashMap<>();
		partitions.put("interactive", 70);
		partitions.put("partner", 20);
		partitions.put("prefetch", 10);
		EdgeConcurrencyProperties properties = new EdgeConcurrencyProperties(true, "fixed", 10, 1, 100,
				Duration.ofSeconds(1), "bypass", partitions, "interactive", rules, List.of("/actuator/**"));
		properties.validate();
		return properties;
	}

	static EdgeConcurrencyProperties.Rule rule(String partition, List<String> paths, List<String> methods,
			Map<String, String> headers) {
		return new EdgeConcurrencyProperties.Rule(partition, paths, methods, headers);
	}

	final PriorityClassifier classifier = new PriorityClassifier(
			properties(List.of(rule("prefetch", null, null, Map.of("X-Prefetch", "1")),
					rule("prefetch", null, null, Map.of("Sec-Purpose", "prefetch*")),
					rule("partner", List.of("/v1/**", "/v2/**"), null, null),
					rule("prefetch", List.of("/api/web/restaurants/**"), List.of("GET"), Map.of("Accept", "*")))));

	@Test
	void noRuleMatches_defaultPartition() {
		assertThat(this.classifier.partition(MockServerHttpRequest.get("/api/web/orders/7001").build()))
			.isEqualTo("interactive");
	}

	@Test
	void headerRules_valueExactOrPrefix_caseIgnored() {
		assertThat(this.classifier.partition(MockServerHttpRequest.get("/x").header("x-prefetch", "1").build()))
			.isEqualTo("prefetch");
		assertThat(this.classifier.partition(MockServerHttpRequest.get("/x").header("X-Prefetch", "0").build()))
			.isEqualTo("interactive");
		assertThat(this.classifier.partition(MockServerHttpRequest.get("/x").header("Sec-Purpose", "Prefetch").build()))
			.isEqualTo("prefetch");
		assertThat(this.classifier
			.partition(MockServerHttpRequest.get("/x").header("Sec-Purpose", "prefetch;prerender").build()))
			.isEqualTo("prefetch");
		assertThat(
				this.classifier.partition(MockServerHttpRequest.get("/x").header("Sec-Purpose", "prerender").build()))
			.isEqualTo("interactive");
	}

	@Test
	void firstMatchingRuleWins() {
		// a partner path with X-Prefetch: the prefetch rule comes first
		assertThat(
				this.classifier.partition(MockServerHttpRequest.get("/v2/orders/1").header("X-Prefetch", "1").build()))
			.isEqualTo("prefetch");
		assertThat(this.classifier.partition(MockServerHttpRequest.get("/v2/orders/1").build())).isEqualTo("partner");
	}

	@Test
	void everyConditionOfARuleMustHold() {
		MockServerHttpRequest get = MockServerHttpRequest.get("/api/web/restaurants/501")
			.header("Accept", "*/*")
			.build();
		MockServerHttpRequest noAccept = MockServerHttpRequest.get("/api/web/restaurants/501").build();
		MockServerHttpRequest post = MockServerHttpRequest.post("/api/web/restaurants/501")
			.header("Accept", "*/*")
			.build();
		assertThat(this.classifier.partition(get)).isEqualTo("prefetch");
		assertThat(this.classifier.partition(noAccept)).isEqualTo("interactive");
		assertThat(this.classifier.partition(post)).isEqualTo("interactive");
	}

	@Test
	void excludedPathsAndWrites() {
		assertThat(this.classifier.excluded(MockServerHttpRequest.get("/actuator/health/liveness").build())).isTrue();
		assertThat(this.classifier.excluded(MockServerHttpRequest.get("/api/web/orders").build())).isFalse();
		for (HttpMethod method : List.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE)) {
			assertThat(PriorityClassifier.isWrite(MockServerHttpRequest.method(method, "/x").build())).isTrue();
		}
		for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.TRACE,
				HttpMethod.valueOf("PROPFIND"), HttpMethod.valueOf("FOO"))) {
			assertThat(PriorityClassifier.isWrite(MockServerHttpRequest.method(method, "/x").build())).isFalse();
		}
	}

}
