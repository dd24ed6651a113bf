package io.ftgo.edge.stubs;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The runnable stub server, on free ports (the fixed ones may be in use on this host).
 */
class StubServerTests {

	private static final String[] RANDOM_PORTS = { "--order-port=0", "--kitchen-port=0", "--delivery-port=0",
			"--accounting-port=0", "--consumer-port=0", "--restaurant-port=0", "--identity-port=0",
			"--order-grpc-port=0", "--order-grpc-admin-port=0" };

	@Test
	void start_randomPorts_servesProvidersAndIdentityAndPrintsWhatToTry() {
		try (StubServer server = StubServer.start(RANDOM_PORTS)) {
			String banner = server.banner();

			assertThat(Http.get(server.providers().baseUrl(Provider.ORDER) + "/orders/7001").statusCode())
				.isEqualTo(200);
			assertThat(Http.get(server.identity().baseUrl() + "/.well-known/openid-configuration").statusCode())
				.isEqualTo(200);
			assertThat(Http.get(server.grpcOrders().adminUrl() + "/__admin/requests").statusCode()).isEqualTo(200);
			assertThat(server.grpcOrders().isRunning()).isTrue();
			assertThat(banner).contains(server.providers().baseUrl(Provider.ORDER) + "/orders/7001")
				.contains("grant_type=password -d username=alice -d password=password")
				.contains("7901", "7902", "7903", "7904")
				.contains(server.grpcOrders().target())
				.contains(server.grpcOrders().adminUrl() + "/__admin/requests");
		}
	}

	@Test
	void start_portTaken_failsNamingThePortAndStopsWhatStarted() throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			String[] args = RANDOM_PORTS.clone();
			args[6] = "--identity-port=" + taken.getLocalPort();

			assertThatThrownBy(() -> StubServer.start(args)).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining(":" + taken.getLocalPort())
				.hasMessageContaining("in use");
		}
	}

	@Test
	void start_grpcPortTaken_failsNamingThePortAndStopsWhatStarted() throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			String[] args = RANDOM_PORTS.clone();
			args[7] = "--order-grpc-port=" + taken.getLocalPort();

			assertThatThrownBy(() -> StubServer.start(args)).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("gRPC order provider")
				.hasMessageContaining(":" + taken.getLocalPort())
				.hasMessageContaining("in use");
		}
	}

	@Test
	void start_unknownOrMalformedOption_failsWithTheExpectation() {
		assertThatThrownBy(() -> StubServer.start("--billing-port=1")).isInstanceOf(IllegalArgumentException.class)
			.hasMessageStartingWith("option: '--billing-port'");
		assertThatThrownBy(() -> StubServer.start("--order-port=http")).isInstanceOf(IllegalArgumentException.class)
			.hasMessage("order-port: 'http' (expected: a port 0..65535)");
		assertThatThrownBy(() -> StubServer.start("9081")).isInstanceOf(IllegalArgumentException.class)
			.hasMessageStartingWith("option: '9081'");
	}

}
