package io.ftgo.edge.bff.web;

import io.ftgo.edge.stubs.EdgeTestEnvironment;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.ftgo.edge.stubs.junit.EdgeTest;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.ftgo.edge.gateway.shedding.ConcurrencyLimitWebFilter;

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

}
