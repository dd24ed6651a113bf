package io.ftgo.edge.gateway.filter;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.util.unit.DataSize;

import io.ftgo.edge.gateway.config.EdgeReservedHeadersProperties;
import io.ftgo.edge.gateway.config.EdgeResponseProperties;
import io.ftgo.edge.gateway.config.EdgeServerProperties;
import io.ftgo.edge.gateway.support.ClientAddressResolver;
import io.ftgo.edge.gateway.support.ReservedHeaders;
import io.ftgo.edge.security.config.InvalidEdgeConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ReservedHeadersWebFilterTests {

	static ReservedHeadersWebFilter filter(ReservedHeaders reserved) {
		return new ReservedHeadersWebFilter(Set.of("X-Partner-Restaurant-Ids"), reserved,
				EdgeResponseProperties.ALWAYS_STRIPPED, new ClientAddressResolver(List.of("10.0.0.0/8")));
	}

	static HttpHeaders seenByTheChain(ReservedHeadersWebFilter filter, String peer) {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/web/orders/7001")
			.remoteAddress(new InetSocketAddress(peer, 40000))
			.header("X-Consumer-Id", "1002")
			.header("x-user-email", "bob@example.com")
			.header("X-REAL-IP", "1.2.3.4")
			.header("X-Forwarded-For", "6.6.6.6")
			.header("Forwarded", "for=6.6.6.6")
			.header("X-Partner-Restaurant-Ids", "502")
			.header("X-Tenant-Id", "t-1")
			.header("Accept", "application/json"));
		AtomicReference<HttpHeaders> seen = new AtomicReference<>();
		filter.filter(exchange, (next) -> {
			seen.set(next.getRequest().getHeaders());
			return Mono.empty();
		}).block();
		return seen.get();
	}

	@Test
	void untrustedPeer_wholeNamespaceRemoved_otherHeadersKept() {
		HttpHeaders headers = seenByTheChain(filter(ReservedHeaders.of(List.of(), List.of())), "203.0.113.7");

		assertThat(headers.headerNames()).containsExactlyInAnyOrder("Accept", "X-Tenant-Id");
	}

	@Test
	void trustedProxy_keepsForwardingHeadersOnly() {
		HttpHeaders headers = seenByTheChain(filter(ReservedHeaders.of(List.of(), List.of())), "10.1.2.3");

		assertThat(headers.headerNames()).containsExactlyInAnyOrder("Accept", "X-Tenant-Id", "X-Forwarded-For",
				"Forwarded");
	}

	@Test
	void namespaceExtendedAndExplicitlyReduced() {
		HttpHeaders headers = seenByTheChain(filter(ReservedHeaders.of(List.of("X-Tenant-*"), List.of("X-Real-IP"))),
				"203.0.113.7");

		assertThat(headers.headerNames()).containsExactlyInAnyOrder("Accept", "X-REAL-IP");
	}

	@Test
	void answers_providerIdentifyingHeadersRemovedBeforeCommit() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/x"));
		filter(ReservedHeaders.of(List.of(), List.of())).filter(exchange, (next) -> {
			HttpHeaders answer = next.getResponse().getHeaders();
			answer.add("Server", "Jetty");
			answer.add("x-powered-by", "Express");
			answer.add("Matched-Stub-Id", "abc");
			answer.add("X-Envoy-Upstream-Service-Time", "3");
			answer.add("ETag", "\"1\"");
			return next.getResponse().setComplete();
		}).block();

		assertThat(exchange.getResponse().getHeaders().headerNames()).containsExactly("ETag");
	}

	@Test
	void namespace_matchesAnyCaseAndAnyCharSequence_asTheLowerCasedName() {
		ReservedHeaders reserved = ReservedHeaders.of(List.of("X-Tenant-*"), List.of("X-Real-IP"));
		for (CharSequence name : List.of("X-Consumer-Id", "x-consumer-id", "X-CONSUMER-ID",
				io.netty.util.AsciiString.of("x-Forwarded-For"), "Forwarded", "X-TENANT-ID", "x-envoy-")) {
			assertThat(reserved.matches(name)).as(name.toString()).isTrue();
		}
		for (CharSequence name : List.of("X-Real-IP", "X-Consumer", "Accept", "Forwarded-X",
				io.netty.util.AsciiString.of("X-Tenan"), "", "X-Consumer-\u0130d")) {
			assertThat(reserved.matches(name)).as(name.toString()).isEqualTo(name.toString().startsWith("X-Consumer-"));
		}
		// a non-ASCII name is lower-cased as before (Kelvin sign: K)
		assertThat(ReservedHeaders.exactly(List.of("X-K")).matches("X-\u212A")).isTrue();
		assertThat(ReservedHeaders.isForwarding(io.netty.util.AsciiString.of("X-FORWARDED-HOST"))).isTrue();
		assertThat(ReservedHeaders.isForwarding("forwarded")).isTrue();
		assertThat(ReservedHeaders.isForwarding("Forwarded-For")).isFalse();
	}

	@Test
	void configuration_badEntriesRefusedNamingTheKey() {
		assertThatExceptionOfType(InvalidEdgeConfigurationException.class)
			.isThrownBy(() -> properties(List.of(), List.of("X-Consumer-Id")).validate(null))
			.withMessageStartingWith(
					"edge.reserved-headers.unreserved: X-Consumer-Id (expected: an entry of the default");
		assertThatExceptionOfType(InvalidEdgeConfigurationException.class)
			.isThrownBy(() -> properties(List.of("X Tenant"), List.of()).validate(null))
			.withMessageStartingWith("edge.reserved-headers.additional: X Tenant");
		properties(List.of("X-Tenant-*"), List.of("x-real-ip")).validate(null);
	}

	@Test
	void serverLimits_checkedAtStartUp() {
		EdgeServerProperties tooLong = new EdgeServerProperties(java.time.Duration.ofSeconds(10),
				java.time.Duration.ofSeconds(10), 100, java.time.Duration.ofSeconds(60));

		assertThatExceptionOfType(InvalidEdgeConfigurationException.class).isThrownBy(() -> tooLong.validate(null))
			.withMessageContaining("edge.server.keep-alive-idle: PT1M")
			.withMessageContaining("below the usual load-balancer idle timeout");
	}

	static EdgeReservedHeadersProperties properties(List<String> additional, List<String> unreserved) {
		return new EdgeReservedHeadersProperties(additional, unreserved);
	}

	@Test
	void routeParameterTypes_badSpecStopsStartUpNamingTheRouteKey() {
		assertThatExceptionOfType(InvalidEdgeConfigurationException.class)
			.isThrownBy(() -> RouteParametersGlobalFilter.types("spring.cloud.gateway.server.webflux.routes[2]",
					java.util.Map.of("parameters", java.util.Map.of("id", "number"))))
			.withMessageStartingWith("spring.cloud.gateway.server.webflux.routes[2].metadata.parameters.id: number");
		assertThat(RouteParametersGlobalFilter.types("r", java.util.Map.of("parameters", java.util.Map.of("id", "id"))))
			.containsOnlyKeys("id");
	}

}
