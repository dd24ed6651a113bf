package io.ftgo.edge.gateway.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.ftgo.edge.gateway.filter.AccessLogWebFilter;
import io.ftgo.edge.gateway.tracing.LoggingSpanExporter;
import io.ftgo.edge.stubs.FtgoProviders;
import io.ftgo.edge.stubs.Provider;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.micrometer.tracing.otel.bridge.EventListener;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tracing of one order page against the FTGO stubs, spans caught by an in-memory
 * exporter: one server span continuing the caller's {@code traceparent}, and one child
 * span per provider call tagged with the provider, the part, the outcome and the fallback
 * used.
 */
@SpringBootTest(classes = EdgeTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "edge.rate-limit.enabled=false", "management.tracing.sampling.probability=1.0",
				"spring.cloud.gateway.server.webflux.observability.enabled=true", "edge.tracing.log-spans=true" })
@AutoConfigureWebTestClient(timeout = "20s")
@Import(TracingIntegrationTests.Spans.class)
@ExtendWith(OutputCaptureExtension.class)
class TracingIntegrationTests {

	static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

	static final DevIdentityProvider identity = DevIdentityProvider.startOnRandomPort();

	static final FtgoProviders providers = FtgoProviders.startOnRandomPorts();

	@Autowired
	WebTestClient client;

	@Autowired
	InMemorySpanExporter spans;

	@Autowired
	AtomicLong scopeEvents;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("edge.security.jwt.issuer-uri", identity::issuer);
		registry.add("edge.security.jwt.audiences[0]", () -> "ftgo-edge");
		registry.add("edge.security.rules[0].path", () -> "/api/web/**");
		registry.add("edge.security.rules[0].scopes[0]", () -> "web");
		for (Provider provider : Provider.values()) {
			registry.add("edge.providers." + provider.id() + ".url", () -> providers.baseUrl(provider));
		}
		String composition = "edge.compositions.order-page.";
		registry.add(composition + "request", () -> "GET /api/web/orders/{orderId}");
		registry.add(composition + "timeout", () -> "5s");
		part(registry, "order", "order", "/orders/{orderId}");
		part(registry, "ticket", "kitchen", "/tickets/{order.orderId}");
		part(registry, "delivery", "delivery", "/deliveries/{order.orderId}");
		part(registry, "bill", "accounting", "/bills/{order.orderId}");
		part(registry, "consumer", "consumer", "/consumers/{order.consumerId}");
		part(registry, "restaurant", "restaurant", "/restaurants/{order.restaurantId}");
		registry.add(composition + "parts.order.required", () -> "true");
		String route = "spring.cloud.gateway.server.webflux.routes[0].";
		registry.add(route + "id", () -> "kitchen");
		registry.add(route + "uri", () -> providers.baseUrl(Provider.KITCHEN));
		registry.add(route + "predicates[0]", () -> "Path=/api/web/kitchen/**");
		registry.add(route + "filters[0]", () -> "RewritePath=/api/web/kitchen/(?<rest>.*), /${rest}");
	}

	private static void part(DynamicPropertyRegistry registry, String part, String provider, String path) {
		registry.add("edge.compositions.order-page.parts." + part + ".from", () -> provider);
		registry.add("edge.compositions.order-page.parts." + part + ".get", () -> path);
	}

	@AfterAll
	static void stop() {
		providers.close();
		identity.close();
	}

	@BeforeEach
	void reset() {
		providers.reset();
		this.spans.reset();
	}

	@Test
	void orderPage_oneServerSpanAndAChildSpanPerProviderCall() throws Exception {
		orderPage7001("01");

		List<SpanData> finished = awaitSpans();
		System.out.println("span tree of one order page:\n"
				+ JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(tree(finished)));
		List<SpanData> servers = finished.stream().filter((s) -> s.getKind() == SpanKind.SERVER).toList();
		assertThat(servers).singleElement().satisfies((server) -> {
			assertThat(server.getTraceId()).isEqualTo(TRACE_ID);
			assertThat(server.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
		});
		SpanData server = servers.get(0);
		List<SpanData> calls = finished.stream().filter((s) -> s.getParentSpanId().equals(server.getSpanId())).toList();
		assertThat(calls).hasSize(6);
		Map<String, String> partToProvider = Map.of("order", "order", "ticket", "kitchen", "delivery", "delivery",
				"bill", "accounting", "consumer", "consumer", "restaurant", "restaurant");
		for (SpanData call : calls) {
			String part = call.getAttributes().get(AttributeKey.stringKey("part"));
			String provider = call.getAttributes().get(AttributeKey.stringKey("provider"));
			assertThat(partToProvider).containsEntry(part, provider);
			assertThat(call.getName()).isEqualTo(provider + " " + part);
			assertThat(call.getAttributes().get(AttributeKey.stringKey("composition"))).isEqualTo("order-page");
			assertThat(call.getAttributes().get(AttributeKey.stringKey("outcome"))).isEqualTo("fresh");
			assertThat(call.getAttributes().get(AttributeKey.stringKey("fallback"))).isEqualTo("none");
			assertThat(call.getTraceId()).isEqualTo(TRACE_ID);
			// The part's span is the client span of its call: its context is what the
			// provider received as traceparent, and no second (http) span is made.
			assertThat(call.getKind()).isEqualTo(SpanKind.CLIENT);
			assertThat(finished).noneMatch((s) -> s.getParentSpanId().equals(call.getSpanId()));
			assertThat(providers.requests(Provider.fromId(provider))).singleElement()
				.satisfies((request) -> assertThat(request.getHeader("traceparent"))
					.isEqualTo("00-" + TRACE_ID + "-" + call.getSpanId() + "-01"));
		}
		assertThat(calls).extracting((s) -> s.getAttributes().get(AttributeKey.stringKey("part")))
			.containsExactlyInAnyOrderElementsOf(partToProvider.keySet());
	}

	@Test
	void orderPage_failedOptionalPart_spanTaggedWithItsOutcomeAndFallback() throws Exception {
		String token = identity.passwordGrant("alice", "password");

		this.client.get()
			.uri("/api/web/orders/7902")
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk();

		SpanData ticket = awaitSpans().stream()
			.filter((s) -> "ticket".equals(s.getAttributes().get(AttributeKey.stringKey("part"))))
			.findFirst()
			.orElseThrow();
		assertThat(ticket.getAttributes().get(AttributeKey.stringKey("outcome"))).isEqualTo("omitted");
		assertThat(ticket.getAttributes().get(AttributeKey.stringKey("fallback"))).isEqualTo("omitted");
		assertThat(ticket.getAttributes().get(AttributeKey.stringKey("reason"))).isEqualTo("http-status");
	}

	@Test
	void logSpans_everyFinishedSpanIsAJsonLogLine(CapturedOutput output) throws Exception {
		orderPage7001("01");

		List<SpanData> finished = awaitSpans();
		SpanData order = finished.stream().filter((s) -> s.getName().equals("order order")).findFirst().orElseThrow();
		for (int i = 0; i < 100 && !output.getOut().contains(order.getSpanId()); i++) {
			Thread.sleep(50);
		}
		String line = output.getOut()
			.lines()
			.filter((l) -> l.contains(LoggingSpanExporter.CATEGORY) && l.contains(order.getSpanId()))
			.findFirst()
			.orElseThrow();
		Map<?, ?> logged = JsonMapper.builder().build().readValue(line.substring(line.indexOf('{')), Map.class);
		assertThat(logged.get("name")).isEqualTo("order order");
		assertThat(logged.get("kind")).isEqualTo("CLIENT");
		assertThat(logged.get("traceId")).isEqualTo(TRACE_ID);
		assertThat(logged.get("parentSpanId")).isEqualTo(order.getParentSpanId());
		assertThat(logged.get("attributes")).isEqualTo(Map.of("composition", "order-page", "part", "order", "provider",
				"order", "peer.service", "order", "outcome", "fresh", "fallback", "none", "reason", "none"));
	}

	@Test
	void spanScopes_writeNoMdc_theAccessLogLineCarriesTheTraceIdItself(CapturedOutput output) throws Exception {
		long before = this.scopeEvents.get();
		orderPage7001("01");
		awaitSpans();

		String marker = "\"trace_id\":\"" + TRACE_ID + "\"";
		for (int i = 0; i < 100 && !output.getOut().contains(marker); i++) {
			Thread.sleep(50);
		}
		String line = output.getOut()
			.lines()
			.filter((l) -> l.contains(AccessLogWebFilter.LOGGER) && l.contains(marker))
			.findFirst()
			.orElseThrow();
		// Boot's log correlation pattern, before the logger name: set from the exchange
		// for this line (TraceMdc), not by span scopes.
		assertThat(line.substring(0, line.indexOf(AccessLogWebFilter.LOGGER))).contains(TRACE_ID);
		// Span scopes (opened around Reactor's handle/tap operators) publish nothing: no
		// listener (such as Boot's MDC listener) hears of them.
		assertThat(this.scopeEvents.get() - before).isZero();
	}

	@Test
	void orderPage_notSampled_noPartSpans_providersGetTheServerContextNotSampled() throws Exception {
		orderPage7001("00");

		String first = providers.requests(Provider.ORDER).get(0).getHeader("traceparent");
		assertThat(first).matches("00-" + TRACE_ID + "-[0-9a-f]{16}-00");
		for (Provider provider : Provider.values()) {
			// Every call carries the same (server) context: no span per part.
			assertThat(providers.requests(provider)).singleElement()
				.satisfies((request) -> assertThat(request.getHeader("traceparent")).isEqualTo(first));
		}
		Thread.sleep(300);
		assertThat(this.spans.getFinishedSpanItems()).noneMatch((s) -> s.getTraceId().equals(TRACE_ID));
	}

	@Test
	void proxiedRoute_clientSpanUnderTheServerSpan_itsContextSentAsTraceparent() throws Exception {
		String token = identity.passwordGrant("alice", "password");

		this.client.get()
			.uri("/api/web/kitchen/tickets/7001")
			.headers((h) -> h.setBearerAuth(token))
			.header("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01")
			.exchange()
			.expectStatus()
			.isOk();

		List<SpanData> finished = awaitSpans();
		System.out.println("span tree of one proxied call:\n"
				+ JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(tree(finished)));
		SpanData server = finished.stream().filter((s) -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
		assertThat(server.getTraceId()).isEqualTo(TRACE_ID);
		// The provider received the context of the gateway's client span for the call,
		// a child of the server span.
		String traceparent = providers.requests(Provider.KITCHEN).get(0).getHeader("traceparent");
		assertThat(providers.requests(Provider.KITCHEN)).hasSize(1);
		assertThat(traceparent).startsWith("00-" + TRACE_ID + "-").endsWith("-01");
		String spanId = traceparent.substring(36, 52);
		assertThat(finished).filteredOn((s) -> s.getSpanId().equals(spanId)).singleElement().satisfies((call) -> {
			assertThat(call.getKind()).isEqualTo(SpanKind.CLIENT);
			assertThat(call.getParentSpanId()).isEqualTo(server.getSpanId());
			assertThat(call.getAttributes().get(AttributeKey.stringKey("spring.cloud.gateway.route.id")))
				.isEqualTo("kitchen");
		});
	}

	/** The order page of order 7001 for alice, continuing TRACE_ID with these flags. */
	private void orderPage7001(String traceFlags) {
		String token = identity.passwordGrant("alice", "password");
		this.client.get()
			.uri("/api/web/orders/7001")
			.headers((h) -> h.setBearerAuth(token))
			.header("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-" + traceFlags)
			.exchange()
			.expectStatus()
			.isOk();
	}

	private List<SpanData> awaitSpans() throws InterruptedException {
		// Spans end on Reactor threads after the answer was written: wait for them
		// (bounded, generous).
		for (int i = 0; i < 200
				&& this.spans.getFinishedSpanItems().stream().noneMatch((s) -> s.getKind() == SpanKind.SERVER); i++) {
			Thread.sleep(50);
		}
		return this.spans.getFinishedSpanItems();
	}

	private static List<Map<String, Object>> tree(List<SpanData> spans) {
		List<Map<String, Object>> roots = new ArrayList<>();
		for (SpanData span : spans) {
			if (spans.stream().noneMatch((s) -> s.getSpanId().equals(span.getParentSpanId()))) {
				roots.add(node(span, spans));
			}
		}
		return roots;
	}

	private static Map<String, Object> node(SpanData span, List<SpanData> spans) {
		Map<String, Object> node = new LinkedHashMap<>();
		node.put("name", span.getName());
		node.put("kind", span.getKind().name());
		node.put("traceId", span.getTraceId());
		node.put("spanId", span.getSpanId());
		node.put("parentSpanId", span.getParentSpanId());
		Map<String, Object> attributes = new java.util.TreeMap<>();
		span.getAttributes().forEach((key, value) -> attributes.put(key.getKey(), value));
		node.put("attributes", attributes);
		List<Map<String, Object>> children = new ArrayList<>();
		for (SpanData child : spans) {
			if (child.getParentSpanId().equals(span.getSpanId())) {
				children.add(node(child, spans));
			}
		}
		if (!children.isEmpty()) {
			node.put("children", children);
		}
		return node;
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Spans {

		@Bean
		AtomicLong scopeEvents() {
			return new AtomicLong();
		}

		@Bean
		EventListener countingScopeEvents(AtomicLong scopeEvents) {
			return (event) -> scopeEvents.incrementAndGet();
		}

		@Bean
		InMemorySpanExporter inMemorySpanExporter() {
			return InMemorySpanExporter.create();
		}

	}

}
