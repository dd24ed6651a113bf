package io.ftgo.edge.bff.mobile;

import java.util.List;

import io.ftgo.edge.stubs.EdgeTestEnvironment;
import io.ftgo.edge.stubs.FtgoProviders;
import io.ftgo.edge.stubs.Provider;
import io.ftgo.edge.stubs.grpc.GrpcOrderProvider;
import io.ftgo.edge.stubs.identity.AuthorizationServerProcess;
import io.ftgo.edge.stubs.junit.EdgeTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bff-mobile against Spring Authorization Server (the {@code stubs/authorization-server}
 * module, its own JVM process), with bff-mobile's YAML as shipped but the issuer: the
 * native app's tokens (a public client, authorization code + PKCE, loopback redirect) are
 * accepted with scope {@code mobile} and name the consumer; tokens of other clients and
 * scopes are refused before any provider is called.
 */
@EdgeTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "20s")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class MobileAuthorizationServerInteropTests {

	static final FtgoProviders providers = EdgeTestEnvironment.shared().providers();

	static final GrpcOrderProvider grpcOrders = EdgeTestEnvironment.shared().grpcOrders();

	static final AuthorizationServerProcess server = AuthorizationServerProcess.builder().start();

	/** The app's loopback redirect: any port is accepted (RFC 8252); nothing listens. */
	static final String APP_REDIRECT = "http://127.0.0.1:53682/callback";

	@Autowired
	WebTestClient client;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("edge.security.jwt.issuer-uri", server::issuer);
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@Test
	void appToken_publicClientWithPkce_mobileScope_accepted_consumerFromTheToken() {
		String alice = appToken("alice");
		assertThat(AuthorizationServerProcess.claims(alice)).containsEntry("consumer_id", 1001L)
			.containsEntry("client_id", "ftgo-mobile");

		this.client.get()
			.uri("/api/mobile/orders/7001/status")
			.headers((h) -> h.setBearerAuth(alice))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.orderId")
			.isEqualTo(7001);
		// the order part goes over gRPC: the identity metadata comes from this token
		assertThat(grpcOrders.calls("GetOrder")).isNotEmpty()
			.allSatisfy((call) -> assertThat(call.header("x-consumer-id")).contains("1001"));

		providers.resetRequests();
		grpcOrders.resetCalls();
		this.client.get()
			.uri("/api/mobile/orders/7001/status")
			.headers((h) -> h.setBearerAuth(appToken("bob")))
			.exchange()
			.expectStatus()
			.isNotFound();
		assertThat(providers.requestCount(Provider.DELIVERY)).isZero();
	}

	@Test
	void tokensWithoutTheMobileScope_403ProblemAndNoProviderCalled() {
		String web = (String) server
			.authorizationCode("bff-web", "bff-web-secret", "http://127.0.0.1:8082/bff/callback", "openid web", "alice",
					"password")
			.get("access_token");
		String partner = server.clientCredentials("partner-ajanta", "ajanta-secret", "partner");
		String reports = server.clientCredentials("ftgo-reports", "reports-secret", "reports");

		for (String token : List.of(web, partner, reports)) {
			this.client.get()
				.uri("/api/mobile/orders/7001/status")
				.headers((h) -> h.setBearerAuth(token))
				.exchange()
				.expectStatus()
				.isForbidden()
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		}
		for (Provider provider : Provider.values()) {
			assertThat(providers.requestCount(provider)).as(provider.id()).isZero();
		}
		assertThat(grpcOrders.callCount()).as("gRPC order calls").isZero();
	}

	private static String appToken(String user) {
		return (String) server.authorizationCode("ftgo-mobile", null, APP_REDIRECT, "openid mobile", user, "password")
			.get("access_token");
	}

}
