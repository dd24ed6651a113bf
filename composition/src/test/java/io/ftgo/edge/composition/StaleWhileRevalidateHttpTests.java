package io.ftgo.edge.composition;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.scheduler.VirtualTimeScheduler;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stale-while-revalidate over real HTTP, calls counted in the WireMock journal. The
 * engine's clock is a {@link VirtualTimeScheduler} moved by hand to age the cached value
 * (it never moves by itself, so no timeout fires); the HTTP calls run in real time.
 */
class StaleWhileRevalidateHttpTests {

	private static final WireMockServer restaurant = new WireMockServer(
			options().dynamicPort().asynchronousResponseEnabled(true).containerThreads(40));

	@BeforeAll
	static void start() {
		restaurant.start();
	}

	@AfterAll
	static void stop() {
		restaurant.stop();
	}

	@Test
	void yamlPolicy_twentyConcurrentRequestsWithinTheGrace_staleAtOnce_oneBackgroundCall() throws Exception {
		restaurant.stubFor(get(urlPathEqualTo("/restaurants/501")).willReturn(okJson("{\"id\":501,\"menu\":\"v1\"}")));
		EdgeYaml yaml = EdgeYaml.read("/freshness.yml");
		ProviderRegistry registry = ProviderRegistry.of(Map.of("restaurant",
				new ProviderDefinition(restaurant.baseUrl(), yaml.providers().get("restaurant").timeout(), null,
						yaml.providers().get("restaurant").retry(), null, null, null,
						yaml.providers().get("restaurant").freshness(), null, null, null, null, null)));
		Composition page = Composition.of("restaurant-page", yaml.compositions().get("restaurant-page"), registry);
		VirtualTimeScheduler time = VirtualTimeScheduler.create();
		List<String> refreshes = new CopyOnWriteArrayList<>();
		CompositionEngine engine = CompositionEngine.builder(registry)
			.scheduler(time)
			.listener(new CompositionListener() {
				@Override
				public void onRefresh(String provider, Refresh outcome) {
					refreshes.add(outcome.label());
				}
			})
			.build();
		CompositionRequest request = CompositionRequest.of(Map.of("restaurantId", "501"))
			.withPrincipal("alice", Map.of("consumerId", 1001));
		assertThat(page.explain().stages().get(0).parts().get(0).freshness())
			.isEqualTo("refresh-after PT5S, stale PT30S (PT10M when open)");

		engine.execute(page, request).block(Duration.ofSeconds(20));
		time.advanceTimeBy(Duration.ofSeconds(6));
		// A request that waited for the provider would now see v2, a second later.
		restaurant.stubFor(get(urlPathEqualTo("/restaurants/501"))
			.willReturn(okJson("{\"id\":501,\"menu\":\"v2\"}").withFixedDelay(1000)));

		List<CompositionResult> results = Flux.range(0, 20)
			.flatMap((i) -> engine.execute(page, request), 20)
			.collectList()
			.block(Duration.ofSeconds(20));

		assertThat(results).hasSize(20).allSatisfy((result) -> {
			assertThat(result.body().get("restaurant").get("menu").asString()).isEqualTo("v1");
			assertThat(result.parts().get("restaurant").status()).isEqualTo(PartStatus.STALE);
			assertThat(result.parts().get("restaurant").reason()).isEqualTo(FailureReason.REVALIDATING);
			assertThat(result.parts().get("restaurant").age()).isEqualTo(Duration.ofSeconds(6));
		});
		for (int i = 0; i < 200 && refreshes.size() < 2; i++) {
			Thread.sleep(100);
		}
		assertThat(refreshes).containsExactly("started", "succeeded");
		restaurant.verify(2, getRequestedFor(urlPathEqualTo("/restaurants/501")));
		CompositionResult next = engine.execute(page, request).block(Duration.ofSeconds(20));
		assertThat(next.body().get("restaurant").get("menu").asString()).isEqualTo("v2");
		assertThat(next.parts().get("restaurant").status()).isEqualTo(PartStatus.FRESH);
		restaurant.verify(2, getRequestedFor(urlPathEqualTo("/restaurants/501")));
	}

}
