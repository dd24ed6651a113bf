package io.ftgo.edge.gateway.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Assembly of the per-route pipelines and running one: which links a route carries, their
 * order whatever order the links come in, and which links a request runs.
 */
class EdgePipelinesTests {

	@Test
	void pathOverlap_isDecidedByLiteralSegments() {
		assertThat(PathOverlap.mayOverlap("/api/web/orders/{orderId}", "/api/web/restaurants/**")).isFalse();
		assertThat(PathOverlap.mayOverlap("/api/web/restaurants/{id}", "/api/web/restaurants/**")).isTrue();
		assertThat(PathOverlap.mayOverlap("/api/web/**", "/api/web/restaurants")).isTrue();
		assertThat(PathOverlap.mayOverlap("/api/{any}/orders", "/api/web/restaurants")).isTrue();
		assertThat(PathOverlap.mayOverlap("/graphql", "/api/web/**")).isFalse();
		assertThat(PathOverlap.mayOverlapPrefix("/bff/login", "/bff/")).isTrue();
		assertThat(PathOverlap.mayOverlapPrefix("/api/web/orders", "/bff/")).isFalse();
		assertThat(PathOverlap.mayOverlapPrefix("/**", "/bff/")).isTrue();
	}

	@Test
	void eachRouteCarriesTheLinksItNeeds_inTheDefinitionsOrder() {
		List<String> ran = new ArrayList<>();
		List<EdgeChainLink> links = List.of(new Recording(EdgeLinkType.RESPONSE_CACHE, "/api/web/restaurants/**", ran),
				new Recording(EdgeLinkType.RESERVED_HEADERS, null, ran),
				new Recording(EdgeLinkType.SESSION_ENDPOINTS, "/bff/**", ran),
				new Recording(EdgeLinkType.RATE_LIMIT, null, ran), new Recording(EdgeLinkType.ACCESS_LOG, null, ran));
		EdgePipelines pipelines = new EdgePipelines(links, List.of(
				new EdgePipelines.Route("order-page", "composition", "GET", List.of("/api/web/orders/{orderId}")),
				new EdgePipelines.Route("web-restaurants", "route", "GET", List.of("/api/web/restaurants/{id}")),
				new EdgePipelines.Route("session-endpoints", "endpoint", null, List.of("/bff/**"))));

		assertThat(pipelines.pipelines()).containsOnlyKeys("order-page", "web-restaurants", "session-endpoints",
				EdgePipelines.DEFAULT);
		assertThat(pipelines.pipelines().get("order-page").linkNames()).containsExactly("access-log",
				"reserved-headers", "rate-limit", "route");
		assertThat(pipelines.pipelines().get("web-restaurants").linkNames()).containsExactly("access-log",
				"reserved-headers", "rate-limit", "response-cache", "route");
		assertThat(pipelines.pipelines().get("session-endpoints").linkNames()).containsExactly("access-log",
				"reserved-headers", "rate-limit", "session-endpoints", "route");
		assertThat(pipelines.pipelines().get(EdgePipelines.DEFAULT).linkNames()).containsExactly("access-log",
				"reserved-headers", "rate-limit", "session-endpoints", "response-cache", "route");
		assertThat(pipelines.pipelines().get("order-page").links().get(3).settings())
			.containsEntry("kind", "composition")
			.containsEntry("paths", List.of("/api/web/orders/{orderId}"));

		run(pipelines, "/api/web/orders/7001", ran);
		assertThat(ran).containsExactly("access-log", "reserved-headers", "rate-limit", "route");
		ran.clear();
		run(pipelines, "/api/web/restaurants/1", ran);
		assertThat(ran).containsExactly("access-log", "reserved-headers", "rate-limit", "response-cache", "route");
		ran.clear();
		run(pipelines, "/somewhere/else", ran);
		assertThat(ran).containsExactly("access-log", "reserved-headers", "rate-limit", "session-endpoints",
				"response-cache", "route");
		ran.clear();
		// the chain objects are built once per outer chain and reused
		run(pipelines, "/api/web/orders/7002", ran);
		assertThat(ran).containsExactly("access-log", "reserved-headers", "rate-limit", "route");
	}

	@Test
	void afterALinkThatMayRewriteThePath_everyLaterLinkStays() {
		List<String> ran = new ArrayList<>();
		Recording version = new Recording(EdgeLinkType.API_VERSION, "/v1/**", ran) {
			@Override
			public boolean rewritesPath() {
				return true;
			}
		};
		EdgePipelines pipelines = new EdgePipelines(
				List.of(version, new Recording(EdgeLinkType.RESPONSE_CACHE, "/v2/menus/**", ran)),
				List.of(new EdgePipelines.Route("v1-menu", "route", "GET", List.of("/v1/menus/{id}")),
						new EdgePipelines.Route("v2-orders", "route", "GET", List.of("/v2/orders/{id}"))));
		assertThat(pipelines.pipelines().get("v1-menu").linkNames()).containsExactly("api-version", "response-cache",
				"route");
		assertThat(pipelines.pipelines().get("v2-orders").linkNames()).containsExactly("route");
	}

	@Test
	void theLinkBeansAreAbsorbed_aDelegatingLinkByItsDelegate() {
		List<String> ran = new ArrayList<>();
		Recording access = new Recording(EdgeLinkType.ACCESS_LOG, null, ran);
		Recording security = new Recording(EdgeLinkType.SECURITY, null, ran);
		SecurityLink link = new SecurityLink(security, null);
		EdgePipelines pipelines = new EdgePipelines(List.of(link, access), List.of());
		assertThat(pipelines.absorbs(access)).isTrue();
		assertThat(pipelines.absorbs(security)).isTrue();
		assertThat(pipelines.absorbs(link)).isFalse();
		run(pipelines, "/any", ran);
		assertThat(ran).containsExactly("access-log", "security", "route");
	}

	private static void run(EdgePipelines pipelines, String path, List<String> ran) {
		ServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get(path));
		WebFilterChain route = (e) -> Mono.fromRunnable(() -> ran.add("route"));
		pipelines.webFilter().filter(exchange, route).block();
	}

	static class Recording implements EdgeChainLink {

		private final EdgeLinkType type;

		private final String paths;

		final List<String> ran;

		Recording(EdgeLinkType type, String paths, List<String> ran) {
			this.type = type;
			this.paths = paths;
			this.ran = ran;
		}

		@Override
		public EdgeLinkType linkType() {
			return this.type;
		}

		@Override
		public boolean appliesTo(String pathPattern) {
			return this.paths == null || PathOverlap.mayOverlap(pathPattern, this.paths);
		}

		@Override
		public Map<String, Object> settings(List<String> pathPatterns) {
			return Map.of();
		}

		@Override
		public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
			this.ran.add(this.type.id());
			return chain.filter(exchange);
		}

	}

}
