package io.ftgo.edge.bff.mobile;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.ftgo.edge.stubs.EdgeTestEnvironment;
import io.ftgo.edge.stubs.FtgoProviders;
import io.ftgo.edge.stubs.HostileInputs;
import io.ftgo.edge.stubs.Provider;
import io.ftgo.edge.stubs.grpc.GrpcCall;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.ftgo.edge.stubs.junit.EdgeTest;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.ftgo.edge.composition.Composition;
import io.ftgo.edge.gateway.cache.ResponseCacheWebFilter;
import io.ftgo.edge.gateway.support.EdgeEndpoints;
import io.ftgo.edge.gateway.transcoding.EdgeTranscodingProperties;
import io.ftgo.edge.gateway.support.EdgeEndpoints.Endpoint;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing a client sends that the edge cannot vouch for reaches a provider, on every
 * endpoint bff-mobile serves. The endpoint list is read from the running application
 * (routes and compositions), so a new endpoint cannot escape; the proof is the stub
 * providers' request journals.
 */
// Hundreds of requests as one caller in a few seconds: the limiter is not under test
// here.
@EdgeTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "edge.rate-limit.tiers.default.limit=1000000")
@AutoConfigureWebTestClient(timeout = "20s")
class MobileBffStrictnessIntegrationTests {

	static final EdgeTestEnvironment env = EdgeTestEnvironment.shared();

	static final DevIdentityProvider identity = env.identity();

	static final FtgoProviders providers = env.providers();

	/**
	 * A valid value for every path variable of every endpoint (alice's order, Ajanta).
	 */
	static final Map<String, String> SAMPLES = Map.of("orderId", "7001", "id", "501");

	/**
	 * The identity headers bff-mobile sets from alice's token: nothing else of the
	 * namespace.
	 */
	static final Map<String, String> IDENTITY = Map.of("x-consumer-id", "1001");

	@Autowired
	WebTestClient client;

	@Autowired
	ApplicationContext context;

	@LocalServerPort
	int port;

	@SuppressWarnings("unchecked")
	List<Endpoint> endpoints() {
		return EdgeEndpoints.of(this.context.getBeanProvider(GatewayProperties.class).getIfAvailable(),
				(Map<String, Composition>) this.context.getBean("edgeCompositions", Map.class),
				this.context.getBeanProvider(EdgeTranscodingProperties.class).getIfAvailable());
	}

	String sampleUri(Endpoint endpoint, String variable, String value) {
		String path = endpoint.path();
		for (String name : endpoint.pathVariables()) {
			path = path.replace("{" + name + "}", name.equals(variable) ? value : SAMPLES.get(name));
		}
		return "http://localhost:" + this.port + path;
	}

	WebTestClient.ResponseSpec send(Endpoint endpoint, URI uri, HttpHeaders extra) {
		String token = identity.passwordGrant("alice", "password");
		WebTestClient.RequestBodySpec request = this.client.method(HttpMethod.valueOf(endpoint.method()))
			.uri(uri)
			.headers((h) -> {
				h.addAll(extra);
				h.setBearerAuth(token);
			});
		if (HttpMethod.POST.matches(endpoint.method())) {
			return request.contentType(MediaType.APPLICATION_JSON).bodyValue("{\"restaurantId\":501}").exchange();
		}
		return request.exchange();
	}

	void resetJournalsAndCaches() {
		providers.resetRequests();
		env.grpcOrders().resetCalls();
		this.context.getBeanProvider(ResponseCacheWebFilter.class).ifAvailable(ResponseCacheWebFilter::clear);
	}

	static List<LoggedRequest> journal() {
		List<LoggedRequest> all = new ArrayList<>();
		for (Provider provider : Provider.values()) {
			all.addAll(providers.requests(provider));
		}
		return all;
	}

	@Test
	void endpointList_readFromTheApp_everyEndpointOfTheApiAndEveryPathVariableSampled() {
		List<Endpoint> endpoints = endpoints();

		assertThat(endpoints.stream().map((e) -> e.method() + " " + e.path())).contains(
				"GET /api/mobile/orders/{orderId}/status", "GET /api/mobile/home",
				"GET /api/mobile/restaurants/{id}/menu", "POST /api/mobile/orders");
		assertThat(endpoints).allSatisfy((e) -> assertThat(SAMPLES.keySet()).containsAll(e.pathVariables()));
	}

	@TestFactory
	Stream<DynamicTest> reservedHeaders_everyEndpointEveryVariant_noClientValueReachesAProvider() {
		return endpoints().stream()
			.flatMap((endpoint) -> Stream.of(HostileInputs.Variant.values())
				.map((variant) -> DynamicTest.dynamicTest(endpoint + " " + variant, () -> {
					resetJournalsAndCaches();
					HttpHeaders hostile = new HttpHeaders();
					HostileInputs.RESERVED_HEADERS.forEach(
							(name, value) -> variant.values(value).forEach((v) -> hostile.add(variant.name(name), v)));

					send(endpoint, URI.create(sampleUri(endpoint, null, null)), hostile).expectBody().returnResult();

					List<LoggedRequest> received = journal();
					List<GrpcCall> grpc = env.grpcOrders().calls();
					assertThat(received.size() + grpc.size()).as("the endpoint reached a provider").isPositive();
					assertThat(received.stream().flatMap((r) -> HostileInputs.clientIdentity(r, IDENTITY).stream()))
						.isEmpty();
					assertThat(grpc.stream().flatMap((call) -> clientIdentity(call).stream())).isEmpty();
					assertThat(received.stream().map((r) -> r.getHeader("X-Consumer-Id")).filter("1001"::equals).count()
							+ grpc.stream().filter((call) -> call.header("x-consumer-id").isPresent()).count())
						.isPositive();
				})));
	}

	@TestFactory
	Stream<DynamicTest> malformedParameters_everyEndpointEveryParameter_400ProblemAndZeroProviderCalls() {
		List<DynamicTest> tests = new ArrayList<>();
		for (Endpoint endpoint : endpoints()) {
			for (Map.Entry<String, String> malformed : HostileInputs.MALFORMED.entrySet()) {
				for (String variable : endpoint.pathVariables()) {
					tests.add(DynamicTest.dynamicTest(endpoint + " {" + variable + "} " + malformed.getKey(),
							() -> refused(endpoint, URI.create(sampleUri(endpoint, variable, malformed.getValue())))));
				}
				for (String query : endpoint.queryParameters()) {
					tests.add(DynamicTest.dynamicTest(endpoint + " ?" + query + " " + malformed.getKey(), () -> refused(
							endpoint,
							URI.create(sampleUri(endpoint, null, null) + "?" + query + "=" + malformed.getValue()))));
				}
				tests.add(DynamicTest.dynamicTest(endpoint + " ?unlisted " + malformed.getKey(), () -> refused(endpoint,
						URI.create(sampleUri(endpoint, null, null) + "?debug=" + malformed.getValue()))));
			}
		}
		return tests.stream();
	}

	void refused(Endpoint endpoint, URI uri) {
		resetJournalsAndCaches();

		send(endpoint, uri, new HttpHeaders()).expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			// invalid_parameter; encoded separators and NUL are refused earlier by the
			// security firewall (bad_request)
			.jsonPath("$.code")
			.value((code) -> assertThat(code).isIn("invalid_parameter", "bad_request"));

		assertThat(journal()).as("provider calls").isEmpty();
		assertThat(env.grpcOrders().calls()).as("gRPC provider calls").isEmpty();
	}

	/**
	 * What in a gRPC call's metadata came from a client (as
	 * HostileInputs.clientIdentity).
	 */
	static List<String> clientIdentity(GrpcCall call) {
		List<String> violations = new ArrayList<>();
		call.metadata().forEach((name, values) -> {
			if (HostileInputs.isReserved(name)) {
				String value = IDENTITY.get(name);
				if (value == null || !values.equals(List.of(value))) {
					violations.add(call.method() + ": " + name + "=" + values);
				}
			}
			for (String value : values) {
				if (value.contains(HostileInputs.MARKER) || value.contains("evil.example")
						|| value.contains("1.2.3.4")) {
					violations.add(call.method() + ": " + name + "=" + value);
				}
			}
		});
		return violations;
	}

}
