package io.ftgo.edge.bff.mobile;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import io.ftgo.edge.stubs.EdgeTestEnvironment;
import io.ftgo.edge.stubs.FtgoProviders;
import io.ftgo.edge.stubs.Provider;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.ftgo.edge.stubs.junit.EdgeTest;
import io.ftgo.edge.stubs.junit.EdgeTestEnvironmentInitializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compiled plans ({@code edge.graphql.compiled-plans}) answer exactly as graphql-java
 * does: every persisted query of bff-mobile, for a complete order, every fault id
 * (7901-7904) and another consumer's order, is sent to this application (compiled plans
 * on) and to a second bff-mobile with them off (graphql-java); the two answers are the
 * same bytes (data, errors with their order, locations, paths and extensions, and the
 * extensions cost, providerCalls and degraded), and the providers' journals record the
 * same calls.
 */
@EdgeTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "edge.graphql.compiled-plans=true")
@AutoConfigureWebTestClient(timeout = "20s")
class MobileGraphQlCompiledPlansTests {

	static final EdgeTestEnvironment env = EdgeTestEnvironment.shared();

	static final DevIdentityProvider identity = env.identity();

	static final FtgoProviders providers = env.providers();

	/** The same settings for both applications. */
	static final Map<String, String> SETTINGS = settings();

	static ConfigurableApplicationContext graphQlJava;

	@Autowired
	WebTestClient client;

	@LocalManagementPort
	int managementPort;

	static Map<String, String> settings() {
		Map<String, String> settings = new LinkedHashMap<>();
		for (String provider : List.of("order", "consumer", "restaurant")) {
			settings.put("edge.providers." + provider + ".timeout", "2s");
		}
		// Delivery stays below 7901's 5 s delay.
		settings.put("edge.providers.delivery.timeout", "1s");
		settings.put("edge.graphql.timeout", "4s");
		return settings;
	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		SETTINGS.forEach((key, value) -> registry.add(key, () -> value));
	}

	@BeforeAll
	static void startGraphQlJava() {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--edge.graphql.compiled-plans=false"));
		SETTINGS.forEach((key, value) -> args.add("--" + key + "=" + value));
		graphQlJava = new SpringApplicationBuilder(MobileBffApplication.class)
			.initializers(new EdgeTestEnvironmentInitializer())
			.run(args.toArray(String[]::new));
	}

	@AfterAll
	static void stopGraphQlJava() {
		if (graphQlJava != null) {
			graphQlJava.close();
		}
	}

	static Stream<Arguments> requests() {
		List<Arguments> requests = new ArrayList<>();
		for (int orderId : new int[] { 7001, 7901, 7902, 7903, 7904, 7002 }) {
			requests.add(Arguments.of("status-card", Map.of("orderId", orderId)));
		}
		return requests.stream();
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("requests")
	void compiledAndGraphQlJava_sameBytes_sameProviderCalls(String id, Map<String, Object> variables) {
		String token = identity.passwordGrant("alice", "password");
		Map<String, Object> body = Map.of("variables", variables, "extensions",
				Map.of("persistedQuery", Map.of("id", id)));

		double compiledRuns = compiledRuns(this.managementPort);
		providers.resetRequests();
		env.grpcOrders().resetCalls();
		String compiled = answer(this.client, token, body);
		List<String> compiledCalls = journal();
		// this application answered with the compiled plan, not graphql-java
		assertThat(compiledRuns(this.managementPort)).isEqualTo(compiledRuns + 1);

		providers.resetRequests();
		env.grpcOrders().resetCalls();
		WebTestClient reference = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + graphQlJava.getEnvironment().getProperty("local.server.port"))
			.responseTimeout(java.time.Duration.ofSeconds(20))
			.build();
		String expected = answer(reference, token, body);
		List<String> expectedCalls = journal();

		assertThat(compiled).isEqualTo(expected);
		if (Set.of(7901, 7904, 7002).contains(variables.get("orderId"))) {
			// slow delivery, malformed restaurant, another consumer's order: errors
			assertThat(compiled).startsWith("{\"errors\":[{\"message\":");
		}
		assertThat(compiledCalls).isEqualTo(expectedCalls).isNotEmpty();
	}

	@Test
	void everyPersistedQuery_compiles_andIsCompared() throws Exception {
		WebTestClient management = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.managementPort)
			.build();
		Set<String> ids = new TreeSet<>();
		for (Resource resource : new PathMatchingResourcePatternResolver()
			.getResources("classpath:graphql/persisted/*.graphql")) {
			ids.add(resource.getFilename().replace(".graphql", ""));
		}
		assertThat(ids).isNotEmpty();
		Set<Object> compared = new TreeSet<>();
		requests().forEach((arguments) -> compared.add(arguments.get()[0]));
		assertThat(compared).isEqualTo(ids);
		for (String id : ids) {
			management.get()
				.uri("/actuator/graphql/" + id)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.compiled")
				.isEqualTo(true);
		}
	}

	/**
	 * {@code edge.graphql.executions{execution="compiled"}} of the compiled application.
	 */
	static double compiledRuns(int managementPort) {
		String metrics = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + managementPort)
			.responseTimeout(java.time.Duration.ofSeconds(10))
			.build()
			.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		java.util.regex.Matcher matcher = java.util.regex.Pattern
			.compile("(?m)^edge_graphql_executions_total\\{[^}]*execution=\"compiled\"[^}]*\\} (\\S+)$")
			.matcher(metrics);
		return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
	}

	static String answer(WebTestClient client, String token, Map<String, Object> body) {
		byte[] bytes = client.post()
			.uri("/graphql")
			.headers((h) -> h.setBearerAuth(token))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
		return new String(bytes, StandardCharsets.UTF_8);
	}

	/** Every provider call since the last reset, as "provider METHOD url", sorted. */
	static List<String> journal() {
		List<String> calls = new ArrayList<>();
		for (Provider provider : Provider.values()) {
			providers.requests(provider).forEach((r) -> calls.add(provider + " " + r.getMethod() + " " + r.getUrl()));
		}
		// bff-mobile reads orders over gRPC
		env.grpcOrders()
			.calls()
			.forEach((call) -> calls.add("ORDER grpc " + call.method() + " "
					+ call.request().map(com.google.protobuf.TextFormat::shortDebugString).orElse("")));
		String[] sorted = calls.toArray(String[]::new);
		Arrays.sort(sorted);
		return List.of(sorted);
	}

}
