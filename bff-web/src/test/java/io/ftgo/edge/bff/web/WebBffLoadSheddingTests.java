package io.ftgo.edge.bff.web;

import java.util.List;

import io.ftgo.edge.composition.CompositionEngine;
import io.ftgo.edge.composition.ProviderRegistry;
import io.ftgo.edge.composition.policy.ProviderLimit;
import io.ftgo.edge.composition.policy.ProviderSettings;
import io.ftgo.edge.stubs.EdgeTestEnvironment;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.ftgo.edge.stubs.junit.EdgeTest;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.ApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.ftgo.edge.gateway.shedding.ConcurrencyLimitWebFilter;
import io.ftgo.edge.gateway.shedding.EdgeConcurrencyProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped application.yaml turns the concurrency limit on with its priority
 * partitions: the app's and the browser's prefetch requests land in {@code prefetch},
 * everything else in {@code interactive} (docs/load-shedding.md). Shedding itself is
 * proven in gateway-core's {@code SheddingIntegrationTests}.
 */
@EdgeTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "20s")
class WebBffLoadSheddingTests {

	@Autowired
	ApplicationContext applicationContext;

	static final EdgeTestEnvironment env = EdgeTestEnvironment.shared();

	static final DevIdentityProvider identity = env.identity();

	@Autowired
	WebTestClient client;

	@Autowired
	MeterRegistry meters;

	@Autowired
	ConcurrencyLimitWebFilter filter;

	double admitted(String partition) {
		return this.meters.get(ConcurrencyLimitWebFilter.REQUESTS_METRIC)
			.tag("partition", partition)
			.tag("outcome", "admitted")
			.counter()
			.count();
	}

	@Test
	void shippedPartitions_prefetchHeadersAndInteractiveReads() {
		String token = identity.passwordGrant("alice", "password");
		double prefetch = admitted("prefetch");
		double interactive = admitted("interactive");

		this.client.get()
			.uri("/api/web/restaurants/501")
			.headers((h) -> h.setBearerAuth(token))
			.header("X-Prefetch", "1")
			.exchange()
			.expectStatus()
			.isOk();
		this.client.get()
			.uri("/api/web/restaurants/501")
			.headers((h) -> h.setBearerAuth(token))
			.header("Sec-Purpose", "prefetch")
			.exchange()
			.expectStatus()
			.isOk();
		this.client.get()
			.uri("/api/web/orders/7001")
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk();

		assertThat(admitted("prefetch") - prefetch).isEqualTo(2);
		assertThat(admitted("interactive") - interactive).isEqualTo(1);
		assertThat(this.filter.limit()).isBetween(20, 1000);
	}

	@Test
	void shippedLimits_everyProviderLimited_bffWideFloorSizedToThePileUp() {
		// The BFF-wide floor is sized to a GC pause's pile-up (docs/load-shedding.md);
		// what queues at a slow provider is bounded by that provider's own limit.
		EdgeConcurrencyProperties bffWide = this.applicationContext.getBean(EdgeConcurrencyProperties.class);
		assertThat(bffWide.enabled()).isTrue();
		assertThat(bffWide.minLimit()).isEqualTo(200);
		assertThat(bffWide.initialLimit()).isEqualTo(200);
		ProviderRegistry registry = this.applicationContext.getBean(ProviderRegistry.class);
		CompositionEngine compositionEngine = this.applicationContext.getBean(CompositionEngine.class);
		// every provider of the shipped application.yaml (the test environment may
		// add others)
		assertThat(registry.names()).contains("order", "kitchen", "delivery", "accounting", "consumer", "restaurant");
		assertThat(List.of("order", "kitchen", "delivery", "accounting", "consumer", "restaurant")).allSatisfy((id) -> {
			ProviderLimit limit = compositionEngine.policy(id).concurrencyLimit();
			assertThat(limit).as(id).isNotNull();
			ProviderSettings.ConcurrencySettings settings = limit.settings();
			assertThat(settings.algorithm()).isEqualTo("gradient2");
			assertThat(settings.initialLimit()).isEqualTo(64);
			assertThat(settings.minLimit()).isEqualTo(8);
			assertThat(settings.maxLimit()).isEqualTo(64);
			assertThat(settings.tolerance()).isEqualTo(1.0);
			assertThat(settings.queueSize()).isEqualTo(2);
			assertThat(settings.smoothing()).isEqualTo(1.0);
			assertThat(settings.warmUp()).hasSeconds(30);
			assertThat(settings.partitions().keySet()).containsExactly("interactive", "prefetch");
			assertThat(settings.partitions().keySet()).isEqualTo(bffWide.partitions().keySet());
		});
	}

}
