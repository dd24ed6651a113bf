package io.ftgo.edge.gateway.lb;

import io.ftgo.edge.gateway.it.EdgeTestApplication;
import io.ftgo.edge.stubs.grpc.GrpcFault;
import io.ftgo.edge.stubs.grpc.GrpcOrderProvider;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.grpc.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code transport: grpc} provider with two replicas ({@code edge.load-balancing}
 * static instances): its channel spreads calls over both, and a replica failing every
 * call is ejected by the channel's outlier detection, after which the healthy one takes
 * every call. Calls through a transcoded route, counted in each gRPC order stub's
 * journal.
 */
@SpringBootTest(classes = EdgeTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "edge.rate-limit.enabled=false", "management.server.port=-1" })
@AutoConfigureWebTestClient(timeout = "20s")
class GrpcLoadBalancingIntegrationTests {

	static final DevIdentityProvider identity = DevIdentityProvider.startOnRandomPort();

	static final GrpcOrderProvider healthy = GrpcOrderProvider.startOnRandomPorts();

	static final GrpcOrderProvider failing = GrpcOrderProvider.startOnRandomPorts();

	@Autowired
	WebTestClient client;

	@Autowired
	io.micrometer.core.instrument.MeterRegistry meters;

	String token;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("edge.security.jwt.issuer-uri", identity::issuer);
		registry.add("edge.security.jwt.audiences[0]", () -> "ftgo-edge");
		registry.add("edge.security.rules[0].path", () -> "/api/lb/**");
		registry.add("edge.security.rules[0].scopes[0]", () -> "web");
		registry.add("edge.providers.order.transport", () -> "grpc");
		// Only names the provider: the channel uses the replicas below.
		registry.add("edge.providers.order.grpc.target", () -> "order.replicas.invalid:9087");
		registry.add("edge.providers.order.grpc.services[0]",
				() -> "net.chrisrichardson.ftgo.orderservice.grpc.OrderServiceGrpc");
		registry.add("edge.providers.order.timeout", () -> "5s");
		// The breaker must not cut the calls off while one replica of two fails.
		registry.add("edge.providers.order.circuit-breaker.failure-rate-threshold", () -> "100");
		registry.add("edge.load-balancing.providers.order.instances[0]", () -> "127.0.0.1:" + healthy.port());
		registry.add("edge.load-balancing.providers.order.instances[1]", () -> "127.0.0.1:" + failing.port());
		registry.add("edge.load-balancing.outlier-ejection.consecutive-failures", () -> "3");
		registry.add("edge.load-balancing.outlier-ejection.interval", () -> "50ms");
		registry.add("edge.load-balancing.outlier-ejection.base-ejection-time", () -> "10m");
		registry.add("edge.load-balancing.outlier-ejection.max-ejection-time", () -> "10m");
		String route = "edge.transcoding.routes.lb-order.";
		registry.add(route + "request", () -> "GET /api/lb/orders/{orderId}");
		registry.add(route + "from", () -> "order");
		registry.add(route + "grpc", () -> "OrderService/GetOrder");
		registry.add(route + "input.orderId", () -> "{orderId}");
	}

	@AfterEach
	void reset() {
		healthy.reset();
		failing.reset();
	}

	@AfterAll
	static void stop() {
		healthy.close();
		failing.close();
		identity.close();
	}

	int call() {
		if (this.token == null) {
			this.token = identity.passwordGrant("alice", "password");
		}
		return this.client.get()
			.uri("/api/lb/orders/7001")
			.headers((h) -> h.setBearerAuth(this.token))
			.exchange()
			.returnResult(byte[].class)
			.getStatus()
			.value();
	}

	@Test
	void aFailingReplica_isEjected_theHealthyOneTakesEveryCall() {
		for (int i = 0; i < 20; i++) {
			assertThat(call()).isEqualTo(200);
		}
		assertThat(healthy.callCount("GetOrder")).as("both replicas serve").isPositive();
		assertThat(failing.callCount("GetOrder")).as("both replicas serve").isPositive();

		failing.inject(GrpcFault.status(Status.Code.INTERNAL));
		// Until 20 calls in a row reach the healthy replica only (ejection is decided at
		// the end of an interval); bounded, so no ejection fails the test.
		int inARow = 0;
		int calls = 0;
		while (inARow < 20 && calls < 5000) {
			int before = failing.callCount("GetOrder");
			int status = call();
			calls++;
			inARow = (status == 200 && failing.callCount("GetOrder") == before) ? inARow + 1 : 0;
		}
		assertThat(inARow).as("calls in a row to the healthy replica, after " + calls + " calls").isEqualTo(20);

		int failingCalls = failing.callCount("GetOrder");
		int healthyCalls = healthy.callCount("GetOrder");
		for (int i = 0; i < 50; i++) {
			assertThat(call()).as("clients see no error once the replica is ejected").isEqualTo(200);
		}
		assertThat(failing.callCount("GetOrder")).as("the ejected replica gets no call").isEqualTo(failingCalls);
		assertThat(healthy.callCount("GetOrder")).isEqualTo(healthyCalls + 50);
		// Per replica, as for HTTP instances: every call the failing one answered after
		// the
		// fault is a failure.
		assertThat(requests(healthy, "failure")).isZero();
		assertThat(requests(healthy, "success")).isEqualTo(healthy.callCount("GetOrder"));
		assertThat(requests(failing, "success") + requests(failing, "failure"))
			.isEqualTo(failing.callCount("GetOrder"));
		assertThat(requests(failing, "failure")).isGreaterThanOrEqualTo(3);
	}

	double requests(GrpcOrderProvider replica, String outcome) {
		return this.meters.get("edge.lb.requests")
			.tag("provider", "order")
			.tag("instance", "127.0.0.1:" + replica.port())
			.tag("outcome", outcome)
			.functionCounter()
			.count();
	}

}
