package io.ftgo.edge.gateway.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

import io.ftgo.edge.gateway.config.EdgeLimitsProperties;
import io.ftgo.edge.gateway.support.NativeHeaders;
import io.ftgo.edge.gateway.support.ReservedHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The links that read every header name read Reactor Netty's own headers (no copy of the
 * names) on a real server over loopback, with the same outcome as through Spring's
 * headers ({@link ReservedHeadersWebFilterTests} runs the same cases on mock exchanges).
 */
class NativeHeadersFilterTests {

	private DisposableServer server;

	private final List<String> sawNative = new ArrayList<>();

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.disposeNow();
		}
	}

	@Test
	void reservedHeaders_untrustedPeer_namespaceRemovedInEveryCase_answerHeadersStripped() {
		AtomicReference<HttpHeaders> seen = new AtomicReference<>();
		start(List.of(ReservedHeadersWebFilterTests.filter(ReservedHeaders.of(List.of("X-Tenant-*"), List.of()))),
				seen);
		HttpHeaders answer = HttpClient.create()
			.headers((h) -> h.add("X-Consumer-Id", "1002")
				.add("x-consumer-id", "1003")
				.add("x-user-email", "bob@example.com")
				.add("X-REAL-IP", "1.2.3.4")
				.add("X-Forwarded-For", "6.6.6.6")
				.add("Forwarded", "for=6.6.6.6")
				.add("X-Partner-Restaurant-Ids", "502")
				.add("X-Tenant-Id", "t-1")
				.add("Accept", "application/json"))
			.get()
			.uri("http://127.0.0.1:" + this.server.port() + "/api/web/orders/7001")
			.responseSingle((response, body) -> Mono.just(copy(response.responseHeaders())))
			.block();
		assertThat(this.sawNative).containsExactly("request", "response");
		assertThat(seen.get().headerNames()).contains("Accept")
			.noneMatch((name) -> name.toLowerCase(java.util.Locale.ROOT)
				.matches("x-consumer-.*|x-user-.*|x-real-ip|x-forwarded-.*|forwarded|x-partner-.*|x-tenant-.*"));
		assertThat(answer.headerNames()).contains("ETag")
			.doesNotContain("Server", "x-powered-by", "Matched-Stub-Id", "X-Envoy-Upstream-Service-Time");
	}

	@Test
	void requestLimits_headerBytesCountedFromTheConnectionsHeaders() {
		RequestLimitsWebFilter limits = new RequestLimitsWebFilter(
				new EdgeLimitsProperties(2048, DataSize.ofBytes(300), DataSize.ofKilobytes(64)));
		start(List.of(limits), new AtomicReference<>());
		int small = status(100);
		int large = status(400);
		assertThat(this.sawNative).contains("request");
		assertThat(small).isEqualTo(200);
		assertThat(large).isEqualTo(431);
	}

	private int status(int valueLength) {
		return HttpClient.create()
			.headers((h) -> h.add("X-Filler", "x".repeat(valueLength)))
			.get()
			.uri("http://127.0.0.1:" + this.server.port() + "/x")
			.responseSingle((response, body) -> Mono.just(response.status().code()))
			.block();
	}

	private void start(List<WebFilter> filters, AtomicReference<HttpHeaders> seen) {
		WebFilter probe = (exchange, chain) -> {
			if (NativeHeaders.of(exchange.getRequest()) != null) {
				this.sawNative.add("request");
			}
			if (NativeHeaders.of(exchange.getResponse()) != null) {
				this.sawNative.add("response");
			}
			return chain.filter(exchange);
		};
		List<WebFilter> all = new ArrayList<>();
		all.add(probe);
		all.addAll(filters);
		var handler = WebHttpHandlerBuilder.webHandler((exchange) -> {
			seen.set(copy(exchange.getRequest().getHeaders()));
			HttpHeaders answer = exchange.getResponse().getHeaders();
			answer.add("Server", "Jetty");
			answer.add("x-powered-by", "Express");
			answer.add("Matched-Stub-Id", "abc");
			answer.add("X-Envoy-Upstream-Service-Time", "3");
			answer.add("ETag", "\"1\"");
			return exchange.getResponse().setComplete();
		}).filters((list) -> list.addAll(all)).build();
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle(new ReactorHttpHandlerAdapter(handler))
			.bindNow();
	}

	private static HttpHeaders copy(HttpHeaders headers) {
		HttpHeaders copy = new HttpHeaders();
		headers.forEach(copy::addAll);
		return copy;
	}

	private static HttpHeaders copy(io.netty.handler.codec.http.HttpHeaders headers) {
		HttpHeaders copy = new HttpHeaders();
		headers.forEach((entry) -> copy.add(entry.getKey(), entry.getValue()));
		return copy;
	}

}
