package io.ftgo.edge.bff.mobile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import io.ftgo.edge.stubs.EdgeTestEnvironment;
import io.ftgo.edge.stubs.FtgoProviders;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.ftgo.edge.stubs.junit.EdgeTest;
import io.ftgo.edge.stubs.junit.GraphQlPathsComparison;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
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

	static GraphQlPathsComparison.Reference graphQlJava;

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
		graphQlJava = GraphQlPathsComparison.startReference(MobileBffApplication.class, SETTINGS);
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

		GraphQlPathsComparison.Answers answers = comparison().send(token, id, variables);

		String compiled = answers.assertSameBytesAndCalls();
		if (Set.of(7901, 7904, 7002).contains(variables.get("orderId"))) {
			// slow delivery, malformed restaurant, another consumer's order: errors
			assertThat(compiled).startsWith("{\"errors\":[{\"message\":");
		}
	}

	@Test
	void everyPersistedQuery_compiles_andIsCompared() {
		Set<Object> compared = new TreeSet<>();
		requests().forEach((arguments) -> compared.add(arguments.get()[0]));
		comparison().assertEveryPersistedQueryCompiledAndCompared(compared);
	}

	GraphQlPathsComparison comparison() {
		return GraphQlPathsComparison.of(this.client, this.managementPort, graphQlJava, env);
	}

}
