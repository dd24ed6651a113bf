package io.ftgo.edge.composition.grpc;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.ftgo.edge.composition.CompositionEngine;
import io.ftgo.edge.composition.ProviderClient;
import io.ftgo.edge.composition.ProviderDefinition;
import io.ftgo.edge.composition.ProviderRegistry;
import io.ftgo.edge.stubs.grpc.GrpcFault;
import io.ftgo.edge.stubs.grpc.GrpcOrderProvider;
import io.grpc.Status;
import net.chrisrichardson.ftgo.orderservice.grpc.OrderServiceGrpc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replicas of a gRPC provider with outlier ejection ({@link GrpcBalancing}): two gRPC
 * order stubs on loopback, a static list of both; calls counted in each stub's journal.
 */
class GrpcReplicaEjectionTests {

	private static final String GET_ORDER = "/OrderService/GetOrder?orderId=7001";

	GrpcOrderProvider healthy;

	GrpcOrderProvider failing;

	CompositionEngine engine;

	@BeforeEach
	void start() {
		this.healthy = GrpcOrderProvider.startOnRandomPorts();
		this.failing = GrpcOrderProvider.startOnRandomPorts();
	}

	@AfterEach
	void stop() {
		if (this.engine != null) {
			this.engine.close();
		}
		this.healthy.close();
		this.failing.close();
	}

	private ProviderClient client(int maxEjectionPercent) {
		ProviderDefinition order = ProviderDefinition
			.grpc("localhost:" + this.healthy.port(), List.of(OrderServiceGrpc.class.getName()))
			.withTimeout(Duration.ofSeconds(5));
		// A short interval (judged every 50 ms), an ejection far longer than the test.
		GrpcBalancing balancing = new GrpcBalancing(
				List.of(new InetSocketAddress("127.0.0.1", this.healthy.port()),
						new InetSocketAddress("127.0.0.1", this.failing.port())),
				null, Duration.ofMillis(50), Duration.ofMinutes(5), Duration.ofMinutes(10), maxEjectionPercent, 3, 50);
		this.engine = CompositionEngine.builder(ProviderRegistry.of(Map.of("order", order)))
			.grpcBalancing(Map.of("order", balancing))
			.build();
		return this.engine.grpc();
	}

	private static int call(ProviderClient client) {
		return client.exchange(new ProviderClient.Request("order", null, "GET", GET_ORDER, Map.of(), null))
			.map(ProviderClient.Response::status)
			.onErrorReturn(-1)
			.block(Duration.ofSeconds(10));
	}

	@Test
	void bothReplicasServe_whileHealthy() {
		ProviderClient client = client(50);
		for (int i = 0; i < 40; i++) {
			assertThat(call(client)).isEqualTo(200);
		}
		assertThat(this.healthy.callCount("GetOrder")).isGreaterThan(0);
		assertThat(this.failing.callCount("GetOrder")).isGreaterThan(0);
		assertThat(this.healthy.callCount("GetOrder") + this.failing.callCount("GetOrder")).isEqualTo(40);
	}

	@Test
	void failingReplica_isEjected_andTheHealthyOneTakesTheRest() {
		ProviderClient client = client(50);
		this.failing.inject(GrpcFault.status(Status.Code.INTERNAL));
		// Call until 20 calls in a row went to the healthy replica (the failing one is
		// judged at the end of an interval; bounded, so a broken ejection fails).
		int inARow = 0;
		int calls = 0;
		while (inARow < 20 && calls < 20_000) {
			int before = this.failing.callCount("GetOrder");
			int status = call(client);
			calls++;
			inARow = (this.failing.callCount("GetOrder") == before && status == 200) ? inARow + 1 : 0;
		}
		assertThat(inARow).as("20 calls in a row to the healthy replica, after " + calls + " calls").isEqualTo(20);
		assertThat(this.failing.callCount("GetOrder")).isGreaterThanOrEqualTo(3);
		// Ejected: the failing replica's count stops growing, the healthy one takes
		// every call.
		int failingCalls = this.failing.callCount("GetOrder");
		int healthyCalls = this.healthy.callCount("GetOrder");
		for (int i = 0; i < 100; i++) {
			assertThat(call(client)).isEqualTo(200);
		}
		assertThat(this.failing.callCount("GetOrder")).isEqualTo(failingCalls);
		assertThat(this.healthy.callCount("GetOrder")).isEqualTo(healthyCalls + 100);
	}

	@Test
	void maxEjectionPercentZero_ejectsNothing() {
		ProviderClient client = client(0);
		this.failing.inject(GrpcFault.status(Status.Code.UNAVAILABLE));
		int failed = 0;
		for (int i = 0; i < 400; i++) {
			if (call(client) != 200) {
				failed++;
			}
		}
		// Round robin goes on: the failing replica keeps getting about half the calls.
		assertThat(failed).isGreaterThanOrEqualTo(150);
		assertThat(this.failing.callCount("GetOrder")).isEqualTo(failed);
	}

	@Test
	void serviceConfig_isGrpcJavasOutlierDetection() {
		GrpcBalancing balancing = new GrpcBalancing(List.of(), "dns:///order.internal:9087", Duration.ofSeconds(10),
				Duration.ofSeconds(30), Duration.ofMinutes(5), 50, 5, 50);
		assertThat(balancing.serviceConfig().toString()).contains("outlier_detection_experimental")
			.contains("interval=10.000000000s")
			.contains("maxEjectionPercentage=50.0")
			.contains("requestVolume=5.0")
			.contains("round_robin");
	}

}
