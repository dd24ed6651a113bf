package io.ftgo.edge.gateway.tracing;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import io.micrometer.common.KeyValue;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

class RouteTagObservationFilterTests {

	private final RouteTagObservationFilter filter = new RouteTagObservationFilter("/graphql");

	@Test
	void proxiedRoute_taggedWithItsId() {
		Map<String, Object> attributes = new HashMap<>();
		attributes.put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR,
				Route.async()
					.id("web-restaurants")
					.uri(URI.create("http://127.0.0.1:1"))
					.predicate((e) -> true)
					.build());
		assertThat(route("/api/web/restaurants/1", attributes)).isEqualTo("web-restaurants");
	}

	@Test
	void composedEndpoint_taggedWithItsName() {
		Map<String, Object> attributes = new HashMap<>();
		attributes.put("io.ftgo.edge.composition", "order-page");
		assertThat(route("/api/web/orders/7001", attributes)).isEqualTo("order-page");
	}

	@Test
	void graphQlEndpoint_taggedGraphql_anythingElseNone() {
		assertThat(route("/graphql", new HashMap<>())).isEqualTo("graphql");
		assertThat(route("/nowhere", new HashMap<>())).isEqualTo("none");
		assertThat(new RouteTagObservationFilter(null).map(context("/graphql", new HashMap<>()))
			.getLowCardinalityKeyValue("route")).isEqualTo(KeyValue.of("route", "none"));
	}

	private String route(String path, Map<String, Object> attributes) {
		return this.filter.map(context(path, attributes)).getLowCardinalityKeyValue("route").getValue();
	}

	private static ServerRequestObservationContext context(String path, Map<String, Object> attributes) {
		return new ServerRequestObservationContext(MockServerHttpRequest.get(path).build(),
				new MockServerHttpResponse(), attributes);
	}

}
