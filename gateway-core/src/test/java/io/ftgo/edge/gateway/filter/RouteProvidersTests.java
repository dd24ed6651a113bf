package io.ftgo.edge.gateway.filter;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.ftgo.edge.composition.CompositionEngine;
import io.ftgo.edge.composition.ProviderDefinition;
import io.ftgo.edge.composition.ProviderRegistry;
import io.ftgo.edge.security.config.InvalidEdgeConfigurationException;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.gateway.route.RouteDefinition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How a proxied route maps to a provider (its uri, or metadata {@code provider}) and its
 * deadline, and the start-up checks naming the key.
 */
class RouteProvidersTests {

	final RouteProviders routes = routes(Map.of("order", ProviderDefinition.of("http://order.local:8080"), "kitchen",
			ProviderDefinition.of("http://localhost:9082").withTimeout(Duration.ofMillis(300)), "partner",
			ProviderDefinition.of("https://api.partner.example/v2")));

	@Test
	void uriOfAProvidersUrl_isThatProvider_withItsTimeoutAsTheDeadline() {
		RouteProviders.Binding binding = resolve(route("http://localhost:9082", Map.of()));
		assertThat(binding.provider()).isEqualTo("kitchen");
		assertThat(binding.deadline()).isEqualTo(Duration.ofMillis(300));
		assertThat(resolve(route("http://ORDER.local:8080/", Map.of())).provider()).isEqualTo("order");
		assertThat(resolve(route("https://api.partner.example:443/v2/menus", Map.of())).provider())
			.isEqualTo("partner");
	}

	@Test
	void uriOfNoProvider_isNotProtected() {
		assertThat(resolve(route("http://localhost:9999", Map.of())).provider()).isNull();
		assertThat(resolve(route("https://api.partner.example/v1", Map.of())).provider()).isNull();
		assertThat(resolve(route("forward:/local", Map.of())).provider()).isNull();
	}

	@Test
	void metadata_namesTheProvider_andSetsTheRoutesOwnDeadline() {
		RouteProviders.Binding binding = resolve(
				route("http://localhost:9999", Map.of("provider", "order", "response-timeout", 2500)));
		assertThat(binding.provider()).isEqualTo("order");
		assertThat(binding.deadline()).isEqualTo(Duration.ofMillis(2500));
		assertThat(resolve(route("http://localhost:9082", Map.of("response-timeout", "1200"))).deadline())
			.isEqualTo(Duration.ofMillis(1200));
	}

	@Test
	void unknownProvider_stopsStartUpNamingTheKey() {
		assertThatExceptionOfType(InvalidEdgeConfigurationException.class)
			.isThrownBy(() -> this.routes.validate(
					List.of(route("http://localhost:9082", Map.of()), route("http://x", Map.of("provider", "ordr")))))
			.withMessageContaining("spring.cloud.gateway.server.webflux.routes[1].metadata.provider")
			.withMessageContaining("the id of a provider under edge.providers");
	}

	@Test
	void badRouteDeadline_stopsStartUp() {
		for (Object bad : List.of("soon", 0, -1)) {
			assertThatExceptionOfType(InvalidEdgeConfigurationException.class)
				.isThrownBy(() -> this.routes
					.validate(List.of(route("http://localhost:9082", Map.of("response-timeout", bad)))))
				.withMessageContaining("routes[0].metadata.response-timeout");
		}
	}

	@Test
	void uriSharedByTwoProviders_needsMetadata() {
		RouteProviders shared = routes(Map.of("a", ProviderDefinition.of("http://localhost:9081"), "b",
				ProviderDefinition.of("http://localhost:9081")));
		assertThatExceptionOfType(InvalidEdgeConfigurationException.class)
			.isThrownBy(() -> shared.validate(List.of(route("http://localhost:9081", Map.of()))))
			.withMessageContaining("routes[0].metadata.provider")
			.withMessageContaining("several providers");
		shared.validate(List.of(route("http://localhost:9081", Map.of("provider", "b"))));
	}

	private RouteProviders.Binding resolve(RouteDefinition definition) {
		org.springframework.cloud.gateway.route.Route route = org.springframework.cloud.gateway.route.Route.async()
			.id(definition.getId())
			.uri(definition.getUri())
			.metadata(definition.getMetadata())
			.predicate((exchange) -> true)
			.build();
		return this.routes.forRoute(route);
	}

	private static int ids;

	private static RouteDefinition route(String uri, Map<String, Object> metadata) {
		RouteDefinition route = new RouteDefinition();
		route.setId("r" + (ids++));
		route.setUri(URI.create(uri));
		route.setMetadata(new LinkedHashMap<>(metadata));
		return route;
	}

	private static RouteProviders routes(Map<String, ProviderDefinition> definitions) {
		ProviderRegistry registry = ProviderRegistry.of(new LinkedHashMap<>(definitions));
		return new RouteProviders(registry, CompositionEngine.builder(registry).build());
	}

}
