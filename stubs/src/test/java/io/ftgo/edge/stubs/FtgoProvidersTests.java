package io.ftgo.edge.stubs;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.ftgo.edge.stubs.ProviderContracts.Delivery;
import io.ftgo.edge.stubs.ProviderContracts.Ticket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Runtime faults, stop/start, request counting and concurrency of {@link FtgoProviders}.
 */
class FtgoProvidersTests {

	private static FtgoProviders providers;

	@BeforeAll
	static void startProviders() {
		providers = FtgoProviders.startOnRandomPorts();
	}

	@AfterAll
	static void stopProviders() {
		providers.close();
	}

	@AfterEach
	void resetProviders() {
		providers.reset();
	}

	@Test
	void startOnRandomPorts_everyProvider_hasItsOwnLoopbackServer() {
		assertThat(providers.baseUrls()).hasSize(6);
		assertThat(providers.baseUrls().values()).doesNotHaveDuplicates()
			.allMatch((url) -> url.startsWith("http://127.0.0.1:"));
		for (Provider provider : Provider.values()) {
			assertThat(providers.baseUrl(provider)).isEqualTo("http://127.0.0.1:" + providers.port(provider));
			assertThat(providers.server(provider).isRunning()).isTrue();
		}
	}

	@Test
	void provider_idsAndDefaultPorts_areTheArchitecturesOnes() {
		assertThat(Provider.values()).extracting(Provider::id)
			.containsExactly("order", "kitchen", "delivery", "accounting", "consumer", "restaurant");
		assertThat(Provider.values()).extracting(Provider::defaultPort)
			.containsExactly(9081, 9082, 9083, 9084, 9085, 9086);
		assertThat(Provider.fromId("kitchen")).isEqualTo(Provider.KITCHEN);
		assertThatThrownBy(() -> Provider.fromId("billing")).hasMessageContaining("'billing'");
	}

	@Test
	void inject_delayOnOnePath_delaysThatPathWithTheNormalAnswerOnly() throws Exception {
		providers.inject(Provider.KITCHEN, ProviderFault.delay(Duration.ofMillis(3000)).onPath("/tickets/7001"));
		String base = providers.baseUrl(Provider.KITCHEN);

		long start = System.nanoTime();
		HttpResponse<String> delayed = Http.get(base + "/tickets/7001", Duration.ofSeconds(10));
		long delayedMillis = (System.nanoTime() - start) / 1_000_000;
		HttpResponse<String> other = Http.get(base + "/tickets/7002", Duration.ofMillis(2000));

		assertThat(delayedMillis).isGreaterThanOrEqualTo(3000);
		assertThat(delayed.statusCode()).isEqualTo(200);
		assertThat(ProviderContracts.parse(delayed.body(), Ticket.class).id()).isEqualTo(7001);
		assertThat(other.statusCode()).isEqualTo(200);
	}

	@Test
	void inject_delayOnUnknownPath_delaysThe404() throws Exception {
		providers.inject(Provider.KITCHEN, ProviderFault.delay(Duration.ofMillis(300)));

		long start = System.nanoTime();
		HttpResponse<String> response = Http.get(providers.baseUrl(Provider.KITCHEN) + "/tickets/9999",
				Duration.ofSeconds(5));

		assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(300);
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(response.body()).isEmpty();
	}

	@Test
	void clearFaults_afterDelay_answersPromptlyAgain() throws Exception {
		providers.inject(Provider.KITCHEN, ProviderFault.delay(Duration.ofSeconds(5)));

		providers.clearFaults(Provider.KITCHEN);
		HttpResponse<String> response = Http.get(providers.baseUrl(Provider.KITCHEN) + "/tickets/7001",
				Duration.ofSeconds(3));

		assertThat(response.statusCode()).isEqualTo(200);
	}

	@Test
	void inject_status_answersThatStatusWithProblemUntilCleared() {
		providers.inject(Provider.DELIVERY, ProviderFault.status(503));
		String url = providers.baseUrl(Provider.DELIVERY) + "/deliveries/7001";

		HttpResponse<String> faulted = Http.get(url);
		providers.clearFaults(Provider.DELIVERY);
		HttpResponse<String> cleared = Http.get(url);

		assertThat(faulted.statusCode()).isEqualTo(503);
		assertThat(Http.contentType(faulted)).isEqualTo("application/problem+json");
		assertThat(ProviderContracts.STRICT.readTree(faulted.body()).get("status").asInt()).isEqualTo(503);
		assertThat(cleared.statusCode()).isEqualTo(200);
		ProviderContractTests.assertDelivery(SeedData.order(7001),
				ProviderContracts.parse(cleared.body(), Delivery.class));
	}

	@Test
	void inject_status_leavesOtherProvidersAlone() {
		providers.inject(Provider.DELIVERY, ProviderFault.status(500));

		HttpResponse<String> kitchen = Http.get(providers.baseUrl(Provider.KITCHEN) + "/tickets/7001");

		assertThat(kitchen.statusCode()).isEqualTo(200);
	}

	@Test
	void inject_connectionReset_failsWithIOExceptionUntilReset() {
		providers.inject(Provider.ACCOUNTING, ProviderFault.connectionReset());
		String url = providers.baseUrl(Provider.ACCOUNTING) + "/bills/7001";

		assertThatThrownBy(() -> Http.get(url, Duration.ofSeconds(5))).isInstanceOf(IOException.class);
		providers.reset();

		assertThat(Http.get(url).statusCode()).isEqualTo(200);
	}

	@Test
	void inject_malformedBody_onPath_breaksOnlyThatPathUntilClearedById() {
		UUID fault = providers.inject(Provider.RESTAURANT, ProviderFault.malformedBody().onPath("/restaurants/501"));
		String base = providers.baseUrl(Provider.RESTAURANT);

		HttpResponse<String> malformed = Http.get(base + "/restaurants/501");
		HttpResponse<String> other = Http.get(base + "/restaurants/502");
		providers.clearFault(Provider.RESTAURANT, fault);
		HttpResponse<String> cleared = Http.get(base + "/restaurants/501");

		assertThat(malformed.statusCode()).isEqualTo(200);
		assertThat(Http.contentType(malformed)).isEqualTo("application/json");
		assertThatThrownBy(() -> ProviderContracts.STRICT.readTree(malformed.body()))
			.isInstanceOf(JacksonException.class);
		assertThat(ProviderContracts.parse(other.body(), ProviderContracts.RestaurantDetails.class).id())
			.isEqualTo(502);
		assertThat(ProviderContracts.parse(cleared.body(), ProviderContracts.RestaurantDetails.class).id())
			.isEqualTo(501);
	}

	@Test
	void clearFaults_keepsSeedMappingsAndTestStubs() {
		int seeds = providers.server(Provider.ORDER).getStubMappings().size();
		providers.server(Provider.ORDER)
			.stubFor(WireMock.get("/orders/8000").willReturn(WireMock.okJson("{\"orderId\":8000}")));
		providers.inject(Provider.ORDER, ProviderFault.status(500));
		providers.inject(Provider.ORDER, ProviderFault.connectionReset().onPath("/orders/7002"));

		providers.clearFaults(Provider.ORDER);

		assertThat(providers.server(Provider.ORDER).getStubMappings()).hasSize(seeds + 1);
		assertThat(Http.get(providers.baseUrl(Provider.ORDER) + "/orders/8000").statusCode()).isEqualTo(200);
	}

	@Test
	void reset_removesFaultsAndTestStubsAndJournals() {
		int seeds = providers.server(Provider.ORDER).getStubMappings().size();
		providers.server(Provider.ORDER)
			.stubFor(WireMock.get("/orders/8000").willReturn(WireMock.okJson("{\"orderId\":8000}")));
		providers.inject(Provider.ORDER, ProviderFault.status(500));
		Http.get(providers.baseUrl(Provider.ORDER) + "/orders/7001");

		providers.reset();

		assertThat(providers.server(Provider.ORDER).getStubMappings()).hasSize(seeds);
		assertThat(providers.requestCount(Provider.ORDER)).isZero();
		assertThat(Http.get(providers.baseUrl(Provider.ORDER) + "/orders/7001").statusCode()).isEqualTo(200);
		assertThat(Http.get(providers.baseUrl(Provider.ORDER) + "/orders/8000").statusCode()).isEqualTo(404);
	}

	@Test
	void stop_provider_refusesConnectionsAndStartServesOnTheSamePort() {
		int port = providers.port(Provider.CONSUMER);
		String url = providers.baseUrl(Provider.CONSUMER) + "/consumers/1001";

		providers.stop(Provider.CONSUMER);

		assertThat(providers.isRunning(Provider.CONSUMER)).isFalse();
		assertThatThrownBy(() -> Http.get(url, Duration.ofSeconds(2))).isInstanceOf(ConnectException.class);
		assertThat(Http.get(providers.baseUrl(Provider.ORDER) + "/orders/7001").statusCode()).isEqualTo(200);

		providers.start(Provider.CONSUMER);

		assertThat(providers.port(Provider.CONSUMER)).isEqualTo(port);
		assertThat(Http.get(url).statusCode()).isEqualTo(200);
	}

	@Test
	void delayFault_afterStopAndStart_stillAnswersNormallyJustLater() {
		providers.stop(Provider.KITCHEN);
		providers.start(Provider.KITCHEN);

		providers.inject(Provider.KITCHEN, ProviderFault.delay(Duration.ofMillis(200)));
		var answer = Http.get(providers.baseUrl(Provider.KITCHEN) + "/tickets/7001");

		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(answer.body()).contains("\"state\"");
	}

	@Test
	void reset_afterStop_startsTheProviderAgain() {
		providers.stop(Provider.RESTAURANT);

		providers.reset();

		assertThat(Http.get(providers.baseUrl(Provider.RESTAURANT) + "/restaurants").statusCode()).isEqualTo(200);
	}

	@Test
	void requestCount_countsByMethodAndPathAndResetRequestsClears() {
		String base = providers.baseUrl(Provider.ORDER);
		for (int i = 0; i < 3; i++) {
			Http.get(base + "/orders/7001");
		}
		Http.post(base + "/orders/7001/cancel", "{}");
		Http.get(base + "/orders?consumerId=1001");

		int gets7001 = providers.requestCount(Provider.ORDER, "GET", "/orders/7001");
		int cancels = providers.requestCount(Provider.ORDER, "POST", "/orders/[0-9]+/cancel");
		int allOnPath = providers.requestCount(Provider.ORDER, null, "/orders/7001.*");
		int history = providers.requestCount(Provider.ORDER, "GET", "/orders");
		int all = providers.requestCount(Provider.ORDER);
		providers.resetRequests();

		assertThat(gets7001).isEqualTo(3);
		assertThat(cancels).isEqualTo(1);
		assertThat(allOnPath).isEqualTo(4);
		assertThat(history).isEqualTo(1);
		assertThat(all).isEqualTo(5);
		assertThat(providers.requestCount(Provider.ORDER)).isZero();
		assertThat(providers.requestCount(Provider.KITCHEN)).isZero();
	}

	@Test
	void requests_recordForwardedHeadersOldestFirst() {
		String url = providers.baseUrl(Provider.CONSUMER) + "/consumers/1001";
		for (String id : List.of("first", "second")) {
			Http.uncheckedSend(HttpRequest.newBuilder(URI.create(url))
				.header("X-Request-Id", id)
				.header("Authorization", "Bearer token-" + id)
				.GET()
				.build());
		}

		List<LoggedRequest> requests = providers.requests(Provider.CONSUMER);

		assertThat(requests).extracting((request) -> request.getHeader("X-Request-Id"))
			.containsExactly("first", "second");
		assertThat(requests.get(1).getHeader("Authorization")).isEqualTo("Bearer token-second");
	}

	/**
	 * With blocking delays WireMock's thread pool, not the gateway, sets the latency. The
	 * journal shows all N requests received while none has been answered, and all
	 * complete in about one delay.
	 */
	@Test
	void delayedEndpoint_manyConcurrentRequests_areAllReceivedBeforeAnyIsAnswered() throws Exception {
		int concurrent = 100;
		Duration delay = Duration.ofMillis(3000);
		providers.inject(Provider.KITCHEN, ProviderFault.delay(delay).onPath("/tickets/7001"));
		String url = providers.baseUrl(Provider.KITCHEN) + "/tickets/7001";

		long start = System.nanoTime();
		List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
		for (int i = 0; i < concurrent; i++) {
			responses.add(Http.CLIENT.sendAsync(
					HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
					HttpResponse.BodyHandlers.ofString()));
		}
		int received = 0;
		long answeredWhileReceiving = 0;
		while (received < concurrent && answeredWhileReceiving == 0) {
			Thread.sleep(20);
			answeredWhileReceiving = responses.stream().filter(CompletableFuture::isDone).count();
			received = providers.requestCount(Provider.KITCHEN, "GET", "/tickets/7001");
		}
		CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new)).join();
		long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

		assertThat(received).as("requests in the journal before the first answer").isEqualTo(concurrent);
		assertThat(answeredWhileReceiving).isZero();
		assertThat(responses).allMatch((response) -> response.join().statusCode() == 200);
		assertThat(elapsedMillis).as("all %s answered in about one delay", concurrent)
			.isBetween(delay.toMillis(), delay.toMillis() * 2);
	}

	@Test
	void delivery7901_patientClient_getsTheNormalDeliveryAfterFiveSeconds() throws Exception {
		long start = System.nanoTime();
		HttpResponse<String> response = Http.get(providers.baseUrl(Provider.DELIVERY) + "/deliveries/7901",
				Duration.ofSeconds(15));
		long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

		assertThat(elapsedMillis).isGreaterThanOrEqualTo(5000);
		assertThat(response.statusCode()).isEqualTo(200);
		ProviderContractTests.assertDelivery(SeedData.order(7901),
				ProviderContracts.parse(response.body(), Delivery.class));
	}

	@Test
	void builder_portInUse_failsNamingProviderAndPort() throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			int port = taken.getLocalPort();

			assertThatThrownBy(() -> FtgoProviders.builder().port(Provider.DELIVERY, port).start())
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("delivery provider could not listen on 127.0.0.1:" + port)
				.hasMessageContaining("in use");
		}
	}

	@Test
	void providerFault_invalidArguments_failWithValueAndExpectation() {
		assertThatThrownBy(() -> ProviderFault.delay(Duration.ZERO)).hasMessage("delay: PT0S (expected: > 0)");
		assertThatThrownBy(() -> ProviderFault.status(42)).hasMessage("status: 42 (expected: 100..599)");
		assertThatThrownBy(() -> ProviderFault.status(500).onPath("/tickets/("))
			.hasMessageStartingWith("pathRegex: '/tickets/(' (expected: a regular expression)");
	}

}
