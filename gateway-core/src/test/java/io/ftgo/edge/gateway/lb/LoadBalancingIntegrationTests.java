package io.ftgo.edge.gateway.lb;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.ftgo.edge.composition.CompositionEngine;
import io.ftgo.edge.gateway.it.EdgeTestApplication;
import io.ftgo.edge.stubs.EdgeTestEnvironment;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Client-side load balancing with outlier ejection against three WireMock replicas per
 * provider, for composed calls and a proxied route; calls counted per replica from the
 * WireMock journals. Each scenario has its own provider (and replicas), so they share one
 * application context without sharing ejection state.
 */
@SpringBootTest(classes = EdgeTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "edge.rate-limit.enabled=false", "management.server.port=-1" })
@AutoConfigureWebTestClient(timeout = "20s")
class LoadBalancingIntegrationTests {

	static final DevIdentityProvider identity = DevIdentityProvider.startOnRandomPort();

	/** kitchen: even spread; delivery: one replica answers 500; accounting: two do. */
	static final Map<String, List<WireMockServer>> replicas = Map.of("kitchen", replicas(3), "delivery", replicas(3),
			"accounting", replicas(3), "restaurant", replicas(3), "consumer", replicas(2));

	/** consumer's third instance: a port nothing listens on (connection refused). */
	static final int refusedPort = EdgeTestEnvironment.freePort();

	static final List<String> PROVIDERS = List.of("kitchen", "delivery", "accounting", "restaurant", "consumer");

	@Autowired
	WebTestClient client;

	@Autowired
	MeterRegistry meters;

	@Autowired
	CompositionEngine engine;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("edge.security.jwt.issuer-uri", identity::issuer);
		registry.add("edge.security.jwt.audiences[0]", () -> "ftgo-edge");
		registry.add("edge.security.rules[0].path", () -> "/api/lb/**");
		registry.add("edge.security.rules[0].scopes[0]", () -> "web");
		registry.add("edge.load-balancing.outlier-ejection.consecutive-failures", () -> "3");
		registry.add("edge.load-balancing.outlier-ejection.base-ejection-time", () -> "1m");
		registry.add("edge.load-balancing.outlier-ejection.max-ejection-percent", () -> "50");
		for (String provider : PROVIDERS) {
			// A name that resolves nowhere: only the balancer makes it reachable.
			registry.add("edge.providers." + provider + ".url", () -> "http://" + provider + ".replicas.invalid:8080");
			registry.add("edge.providers." + provider + ".retry.backoff", () -> "1ms");
			// Generous time: a slow machine must not turn a healthy call into a timeout.
			registry.add("edge.providers." + provider + ".timeout", () -> "5s");
			List<WireMockServer> servers = replicas.get(provider);
			for (int i = 0; i < servers.size(); i++) {
				int port = servers.get(i).port();
				registry.add("edge.load-balancing.providers." + provider + ".instances[" + i + "]",
						() -> "http://127.0.0.1:" + port);
			}
			String composition = "edge.compositions." + provider + "-view.";
			registry.add(composition + "request", () -> "GET /api/lb/" + provider + "/{id}");
			registry.add(composition + "timeout", () -> "15s");
			registry.add(composition + "parts.thing.from", () -> provider);
			registry.add(composition + "parts.thing.get", () -> "/things/{id}");
			registry.add(composition + "parts.thing.required", () -> "true");
		}
		registry.add("edge.load-balancing.providers.consumer.instances[2]", () -> "http://127.0.0.1:" + refusedPort);
		// restaurant: short ejections, to see an instance come back.
		registry.add("edge.load-balancing.providers.restaurant.outlier-ejection.consecutive-failures", () -> "3");
		registry.add("edge.load-balancing.providers.restaurant.outlier-ejection.base-ejection-time", () -> "2s");
		// accounting: no retry, and a breaker that decides on 10 calls.
		registry.add("edge.providers.accounting.retry.max-attempts", () -> "1");
		registry.add("edge.providers.accounting.circuit-breaker.sliding-window-size", () -> "10");
		registry.add("edge.providers.accounting.circuit-breaker.minimum-number-of-calls", () -> "10");
		registry.add("edge.providers.accounting.circuit-breaker.failure-rate-threshold", () -> "50");
		registry.add("edge.providers.accounting.circuit-breaker.wait-in-open-state", () -> "10m");
		// A proxied route to kitchen's URL.
		String route = "spring.cloud.gateway.server.webflux.routes[0].";
		registry.add(route + "id", () -> "lb-kitchen");
		registry.add(route + "uri", () -> "http://kitchen.replicas.invalid:8080");
		registry.add(route + "predicates[0]", () -> "Path=/api/lb/proxy/kitchen/**");
		registry.add(route + "filters[0]", () -> "RewritePath=/api/lb/proxy/kitchen/(?<rest>.*), /${rest}");
	}

	@AfterAll
	static void stop() {
		replicas.values().forEach((servers) -> servers.forEach(WireMockServer::stop));
		identity.close();
	}

	@Test
	void threeReplicas_callsSpreadEvenly_composedAndProxied() {
		for (int i = 0; i < 30; i++) {
			call("/api/lb/kitchen/" + i).expectStatus().isOk();
		}
		assertThat(counts("kitchen")).containsExactly(10, 10, 10);

		for (int i = 0; i < 30; i++) {
			call("/api/lb/proxy/kitchen/things/" + i).expectStatus().isOk();
		}
		assertThat(counts("kitchen")).containsExactly(20, 20, 20);
		assertThat(requests("kitchen", replicas.get("kitchen").get(0), "success")).isEqualTo(20);
	}

	@Test
	void oneReplicaAnswering500_isEjectedAfterThreeFailures_clientsSeeNoError() {
		failing(replicas.get("delivery").get(0));

		for (int i = 0; i < 30; i++) {
			call("/api/lb/delivery/" + i).expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$._meta.complete")
				.isEqualTo(true);
		}

		List<Integer> counts = counts("delivery");
		assertThat(counts.get(0)).as("calls to the failing replica: 3, then ejected").isEqualTo(3);
		assertThat(counts.get(1) + counts.get(2)).as("every client call answered by a healthy replica").isEqualTo(30);
		assertThat(ejected("delivery", replicas.get("delivery").get(0))).isEqualTo(1.0);
		assertThat(ejected("delivery", replicas.get("delivery").get(1))).isZero();
		assertThat(this.meters.find("edge.lb.ejections")
			.tag("provider", "delivery")
			.tag("instance", "127.0.0.1:" + replicas.get("delivery").get(0).port())
			.counter()
			.count()).isEqualTo(1);
		assertThat(requests("delivery", replicas.get("delivery").get(0), "failure")).isEqualTo(3);
		assertThat(this.engine.circuitBreaker("delivery").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void oneReplicaRefusingConnections_isEjected_clientsSeeNoError() {
		for (int i = 0; i < 30; i++) {
			call("/api/lb/consumer/" + i).expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$._meta.complete")
				.isEqualTo(true);
		}

		assertThat(counts("consumer")).as("the two listening replicas served all 30").satisfies((c) -> {
			assertThat(c.get(0) + c.get(1)).isEqualTo(30);
		});
		String refused = "127.0.0.1:" + refusedPort;
		assertThat(counter("edge.lb.requests", "consumer", refused, "failure")).isEqualTo(3);
		assertThat(gauge("consumer", refused)).isEqualTo(1.0);
	}

	@Test
	void anEjectedReplica_comesBackAfterTheEjectionTime() {
		WireMockServer flaky = replicas.get("restaurant").get(0);
		failing(flaky);
		int i = 0;
		while (ejected("restaurant", flaky) == 0 && i < 30) {
			call("/api/lb/restaurant/" + i++).expectStatus().isOk();
		}
		Instant ejectedAt = Instant.now();
		assertThat(ejected("restaurant", flaky)).isEqualTo(1.0);
		int callsWhenEjected = flaky.getAllServeEvents().size();
		healthy(flaky);

		// Generous bound: the ejection is 2 s; the instance must serve again within 30 s.
		Instant deadline = Instant.now().plusSeconds(30);
		while (flaky.getAllServeEvents().size() == callsWhenEjected && Instant.now().isBefore(deadline)) {
			call("/api/lb/restaurant/" + i++).expectStatus().isOk();
			sleep(Duration.ofMillis(100));
		}
		assertThat(flaky.getAllServeEvents()).as("calls reach the replica again").hasSizeGreaterThan(callsWhenEjected);
		assertThat(Duration.between(ejectedAt, Instant.now())).as("not before the ejection time")
			.isGreaterThanOrEqualTo(Duration.ofSeconds(2));
		assertThat(ejected("restaurant", flaky)).isZero();
	}

	@Test
	void twoOfThreeReplicasFailing_theEjectionCapHolds_andTheBreakerDecides() {
		List<WireMockServer> servers = replicas.get("accounting");
		failing(servers.get(0));
		failing(servers.get(1));
		CircuitBreaker breaker = this.engine.circuitBreaker("accounting");

		int calls = 0;
		while (breaker.getState() != CircuitBreaker.State.OPEN && calls < 30) {
			call("/api/lb/accounting/" + calls++);
		}

		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
		double ejectedNow = IntStream.range(0, 3).mapToDouble((r) -> ejected("accounting", servers.get(r))).sum();
		assertThat(ejectedNow).as("at most 50% of three instances: one").isEqualTo(1.0);
		int failingNotEjected = (ejected("accounting", servers.get(0)) == 0) ? 0 : 1;
		assertThat(counts("accounting").get(failingNotEjected)).as("the second failing replica kept getting calls")
			.isGreaterThanOrEqualTo(3);

		// Open: the breaker answers, no replica is called.
		List<Integer> before = counts("accounting");
		for (int i = 0; i < 5; i++) {
			call("/api/lb/accounting/" + (100 + i)).expectStatus().is5xxServerError();
		}
		assertThat(counts("accounting")).isEqualTo(before);
	}

	WebTestClient.ResponseSpec call(String uri) {
		String token = identity.passwordGrant("alice", "password");
		return this.client.get().uri(uri).headers((h) -> h.setBearerAuth(token)).exchange();
	}

	static List<Integer> counts(String provider) {
		List<Integer> counts = new ArrayList<>();
		for (WireMockServer server : replicas.get(provider)) {
			counts.add(server.countRequestsMatching(getRequestedFor(urlPathMatching("/.*")).build()).getCount());
		}
		return counts;
	}

	double ejected(String provider, WireMockServer server) {
		return gauge(provider, "127.0.0.1:" + server.port());
	}

	double gauge(String provider, String instance) {
		Gauge gauge = this.meters.find("edge.lb.ejected").tag("provider", provider).tag("instance", instance).gauge();
		return (gauge != null) ? gauge.value() : 0;
	}

	double requests(String provider, WireMockServer server, String outcome) {
		return counter("edge.lb.requests", provider, "127.0.0.1:" + server.port(), outcome);
	}

	double counter(String name, String provider, String instance, String outcome) {
		Counter counter = this.meters.find(name)
			.tag("provider", provider)
			.tag("instance", instance)
			.tag("outcome", outcome)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	static List<WireMockServer> replicas(int n) {
		List<WireMockServer> servers = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			WireMockServer server = new WireMockServer(
					WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
			server.start();
			healthy(server);
			servers.add(server);
		}
		return servers;
	}

	static void healthy(WireMockServer server) {
		server.resetMappings();
		server.stubFor(get(urlPathMatching("/things/.*")).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"id\": 1, \"replica\": " + server.port() + "}")));
	}

	static void failing(WireMockServer server) {
		server.resetMappings();
		server.stubFor(get(urlPathMatching("/.*")).willReturn(aResponse().withStatus(500)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\": \"boom\"}")));
	}

	static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
