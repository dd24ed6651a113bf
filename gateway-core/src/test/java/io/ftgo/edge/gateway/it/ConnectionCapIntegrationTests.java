package io.ftgo.edge.gateway.it;

import java.util.ArrayList;
import java.util.List;

import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.ftgo.edge.gateway.support.ConnectionGuards;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connection cap of the application port: beyond {@code edge.server.max-connections}
 * a new connection is answered 503 problem+json and closed, and a slot freed by a closed
 * connection is usable again. Raw sockets only, so nothing else holds a connection.
 */
@SpringBootTest(classes = EdgeTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "edge.rate-limit.enabled=false", "edge.server.max-connections=3" })
class ConnectionCapIntegrationTests {

	static final DevIdentityProvider identity = DevIdentityProvider.startOnRandomPort();

	@LocalServerPort
	int port;

	@Autowired
	ConnectionGuards guards;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("edge.security.jwt.issuer-uri", identity::issuer);
		registry.add("edge.security.jwt.audiences[0]", () -> "ftgo-edge");
		registry.add("edge.security.rules[0].path", () -> "/actuator/health/**");
		registry.add("edge.security.rules[0].permit-all", () -> "true");
	}

	@AfterAll
	static void stop() {
		identity.close();
	}

	@Test
	void beyondTheCap_503ProblemAndClosed_aFreedSlotServesAgain() throws Exception {
		List<RawHttp> held = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				RawHttp connection = new RawHttp(this.port);
				held.add(connection);
				// a full exchange proves the connection is accepted and counted
				connection.send("GET /actuator/health/liveness HTTP/1.1\r\nHost: localhost\r\n\r\n");
				assertThat(connection.closedByServer(500)).isFalse();
			}

			String refused;
			try (RawHttp fourth = new RawHttp(this.port)) {
				refused = fourth.readUntilClosed();
			}

			assertThat(refused).startsWith("HTTP/1.1 503");
			assertThat(refused).contains("application/problem+json", "\"status\":503", "Connection: close");

			held.remove(0).close();
			String served = null;
			for (int attempt = 0; attempt < 50 && (served == null || !served.startsWith("HTTP/1.1 200")); attempt++) {
				// the freed slot is released when the server sees the close: retry
				// briefly
				Thread.sleep(100);
				try (RawHttp again = new RawHttp(this.port)) {
					served = again
						.send("GET /actuator/health/liveness HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
						.readUntilClosed();
				}
			}
			assertThat(served).startsWith("HTTP/1.1 200");
		}
		finally {
			for (RawHttp connection : held) {
				connection.close();
			}
		}
	}

}
