package io.ftgo.edge.gateway.it;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/** Shutting an edge down lets a request already in flight finish with its answer. */
class GracefulShutdownIntegrationTests {

	@Test
	void shutdown_requestInFlight_closeWaitsAndRequestFinishesWith200() throws Exception {
		WireMockServer provider = new WireMockServer(
				options().dynamicPort().bindAddress("127.0.0.1").asynchronousResponseEnabled(true));
		provider.start();
		provider.stubFor(get(urlPathEqualTo("/slow")).willReturn(aResponse().withFixedDelay(1500).withBody("done")));
		try (DevIdentityProvider identity = DevIdentityProvider.startOnRandomPort()) {
			ConfigurableApplicationContext context = SpringApplication.run(EdgeTestApplication.class, "--server.port=0",
					"--edge.rate-limit.enabled=false", "--edge.security.jwt.issuer-uri=" + identity.issuer(),
					"--edge.security.jwt.audiences[0]=ftgo-edge", "--edge.security.rules[0].path=/slow",
					"--edge.security.rules[0].permit-all=true",
					"--spring.cloud.gateway.server.webflux.routes[0].id=slow",
					"--spring.cloud.gateway.server.webflux.routes[0].uri=" + provider.baseUrl(),
					"--spring.cloud.gateway.server.webflux.routes[0].predicates[0]=Path=/slow");
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			CompletableFuture<ResponseEntity<String>> inFlight = WebClient.create("http://127.0.0.1:" + port)
				.get()
				.uri("/slow")
				.retrieve()
				.toEntity(String.class)
				.toFuture();
			for (int i = 0; i < 100 && provider.findAll(getRequestedFor(urlPathEqualTo("/slow"))).isEmpty(); i++) {
				Thread.sleep(20);
			}

			context.close();

			// Graceful: closing waits for the request in flight instead of cutting it
			// off.
			assertThat(inFlight).isDone();
			ResponseEntity<String> answer = inFlight.get(10, TimeUnit.SECONDS);
			assertThat(answer.getStatusCode().value()).isEqualTo(200);
			assertThat(answer.getBody()).isEqualTo("done");
		}
		finally {
			provider.stop();
		}
	}

}
