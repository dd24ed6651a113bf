package io.ftgo.edge.gateway.shedding;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.ftgo.edge.gateway.it.EdgeTestApplication;
import io.ftgo.edge.gateway.it.EdgeTestSupport;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Priority shedding over real HTTP: a proxied route to a WireMock provider that holds
 * every answer for {@value #HOLD_MS} ms, a fixed limit of {@value #LIMIT} (interactive is
 * guaranteed 80%, 16; prefetch 20%, 4), 201 requests in two waves. Proof of what reached
 * the provider is its journal.
 */
@SpringBootTest(classes = EdgeTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "edge.rate-limit.enabled=false", "edge.concurrency.enabled=true",
				"edge.concurrency.algorithm=fixed", "edge.concurrency.initial-limit=" + SheddingIntegrationTests.LIMIT,
				"edge.concurrency.min-limit=1", "edge.concurrency.partitions.interactive=80",
				"edge.concurrency.partitions.prefetch=20", "edge.concurrency.default-partition=interactive",
				"edge.concurrency.rules[0].partition=prefetch", "edge.concurrency.rules[0].headers[X-Prefetch]=1",
				"spring.cloud.gateway.server.webflux.httpclient.response-timeout=60s" })
class SheddingIntegrationTests {

	static final int LIMIT = 20;

	static final int INTERACTIVE_SHARE = 16;

	/** Longer than the whole second wave takes, even on a busy machine. */
	static final int HOLD_MS = 10_000;

	/** Reactor Netty's default worker count: the most acquires that can race. */
	static final int WORKERS = Math.max(4, Runtime.getRuntime().availableProcessors());

	static final DevIdentityProvider identity = DevIdentityProvider.startOnRandomPort();

	static final WireMockServer provider = startProvider();

	@LocalServerPort
	int port;

	@Autowired
	ConcurrencyLimitWebFilter filter;

	@Autowired
	MeterRegistry meters;

	final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		EdgeTestSupport.permitAll(registry, identity, "/slow/**");
		registry.add("edge.security.rules[1].path", () -> "/secure/**");
		registry.add("edge.security.rules[1].scopes[0]", () -> "web");
		EdgeTestSupport.route(registry, 0, "slow", provider.baseUrl(), "Path=/slow/**", null);
	}

	static WireMockServer startProvider() {
		WireMockServer server = EdgeTestSupport.wireMock((options) -> options.containerThreads(300)
			.asynchronousResponseEnabled(true)
			.asynchronousResponseThreads(50));
		server.stubFor(WireMock.any(urlPathMatching("/slow/.*"))
			.willReturn(WireMock.okJson("{\"ok\":true}").withFixedDelay(HOLD_MS)));
		return server;
	}

	@AfterAll
	static void stop() {
		EdgeTestSupport.stop(identity, provider);
	}

	@Test
	void overTheLimit_prefetchShedFirst_interactiveWithinItsSharePasses_writesPass_nothingShedReachesTheProvider()
			throws Exception {
		// Wave A: 100 prefetch reads fill the whole limit with low-priority work.
		List<CompletableFuture<HttpResponse<String>>> waveA = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			waveA.add(send("GET", "/slow/prefetch/" + i, true));
		}
		await(() -> done(waveA) + this.filter.inFlight("prefetch") == waveA.size()
				&& this.filter.inFlight("prefetch") >= LIMIT);
		int admittedA = this.filter.inFlight("prefetch");

		// Wave B, while A is held: 50 interactive and 50 more prefetch reads interleaved,
		// one prefetch write, one unauthenticated request to a protected path.
		List<CompletableFuture<HttpResponse<String>>> interactive = new ArrayList<>();
		List<CompletableFuture<HttpResponse<String>>> prefetch = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			interactive.add(send("GET", "/slow/interactive/" + i, false));
			prefetch.add(send("GET", "/slow/prefetch/b" + i, true));
		}
		CompletableFuture<HttpResponse<String>> write = send("POST", "/slow/prefetch/write", true);
		CompletableFuture<HttpResponse<String>> secured = send("GET", "/secure/prefetch", true);

		// Every shed answer of wave B arrives while the admitted requests are still held
		// by the provider: none of A's admitted requests has been answered yet.
		await(() -> done(prefetch) == prefetch.size() && done(interactive) == interactive.size() - INTERACTIVE_SHARE
				&& secured.isDone());
		assertThat(count(waveA, 200)).isZero();
		assertThat(this.filter.inFlight("prefetch")).isEqualTo(admittedA);
		assertThat(this.filter.inFlight("interactive")).isEqualTo(INTERACTIVE_SHARE);

		List<HttpResponse<String>> a = join(waveA);
		List<HttpResponse<String>> b = join(interactive);
		List<HttpResponse<String>> c = join(prefetch);

		// A: the limit (plus at most one racing acquire per worker) admitted, the rest
		// shed
		assertThat(admittedA).isBetween(LIMIT, LIMIT + WORKERS);
		assertThat(statuses(a, 200)).isEqualTo(admittedA);
		assertThat(statuses(a, 503)).isEqualTo(100 - admittedA);
		// B: interactive passes within its share, prefetch (beyond its share) all shed
		assertThat(statuses(b, 200)).isEqualTo(INTERACTIVE_SHARE);
		assertThat(statuses(b, 503)).isEqualTo(50 - INTERACTIVE_SHARE);
		assertThat(statuses(c, 503)).isEqualTo(50);
		// the write was not shed; the protected path was shed before authentication
		assertThat(write.get().statusCode()).isEqualTo(200);
		assertThat(secured.get().statusCode()).isEqualTo(503);

		List<HttpResponse<String>> shed = new ArrayList<>();
		for (List<HttpResponse<String>> answers : List.of(a, b, c, List.of(secured.get()))) {
			answers.stream().filter((r) -> r.statusCode() == 503).forEach(shed::add);
		}
		assertThat(shed).hasSize(100 - admittedA + 50 - INTERACTIVE_SHARE + 50 + 1).allSatisfy((r) -> {
			assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
			assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(r.body()).contains("\"status\":503", "\"code\":\"overloaded\"")
				.doesNotContain("Exception", "127.0.0.1");
		});

		// the provider's journal: exactly the admitted requests and the write
		assertThat(provider.countRequestsMatching(getRequestedFor(urlPathMatching("/slow/prefetch/.*")).build())
			.getCount()).isEqualTo(admittedA);
		assertThat(provider.countRequestsMatching(getRequestedFor(urlPathMatching("/slow/interactive/.*")).build())
			.getCount()).isEqualTo(INTERACTIVE_SHARE);
		assertThat(provider.countRequestsMatching(postRequestedFor(urlPathMatching("/slow/prefetch/write")).build())
			.getCount()).isEqualTo(1);

		// metrics; and every slot was released
		assertThat(rejected("prefetch")).isEqualTo(100 - admittedA + 50 + 1);
		assertThat(rejected("interactive")).isEqualTo(50 - INTERACTIVE_SHARE);
		assertThat(this.meters.get(ConcurrencyLimitWebFilter.LIMIT_METRIC).gauge().value()).isEqualTo(LIMIT);
		await(() -> this.filter.inFlight("prefetch") == 0 && this.filter.inFlight("interactive") == 0);
	}

	CompletableFuture<HttpResponse<String>> send(String method, String path, boolean prefetch) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(120))
			.method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
					: HttpRequest.BodyPublishers.ofString("{\"consumerId\":1001}"));
		if (!method.equals("GET")) {
			request.header("Content-Type", "application/json");
		}
		if (prefetch) {
			request.header("X-Prefetch", "1");
		}
		return this.client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	double rejected(String partition) {
		return this.meters.get(ConcurrencyLimitWebFilter.REQUESTS_METRIC)
			.tag("partition", partition)
			.tag("outcome", "rejected")
			.counter()
			.count();
	}

	static long done(List<CompletableFuture<HttpResponse<String>>> answers) {
		return answers.stream().filter(CompletableFuture::isDone).count();
	}

	static long count(List<CompletableFuture<HttpResponse<String>>> answers, int status) {
		return answers.stream()
			.filter(CompletableFuture::isDone)
			.filter((f) -> f.join().statusCode() == status)
			.count();
	}

	static List<HttpResponse<String>> join(List<CompletableFuture<HttpResponse<String>>> answers) throws Exception {
		List<HttpResponse<String>> joined = new ArrayList<>();
		for (CompletableFuture<HttpResponse<String>> answer : answers) {
			joined.add(answer.get(120, TimeUnit.SECONDS));
		}
		return joined;
	}

	static long statuses(List<HttpResponse<String>> answers, int status) {
		return answers.stream().filter((r) -> r.statusCode() == status).count();
	}

	/** Polls, with a generous bound: waiting for state, not measuring time. */
	static void await(BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as("condition reached within 60s").isLessThan(deadline);
			Thread.sleep(20);
		}
	}

}
