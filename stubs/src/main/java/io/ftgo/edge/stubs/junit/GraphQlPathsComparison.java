package io.ftgo.edge.stubs.junit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.protobuf.TextFormat;
import io.ftgo.edge.stubs.EdgeTestEnvironment;
import io.ftgo.edge.stubs.Provider;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A BFF's GraphQL answers on its two paths, compared: the application under test
 * (compiled plans on) against a reference application of the same BFF started with
 * {@code edge.graphql.compiled-plans=false} (graphql-java's execution). One persisted
 * query is sent to each; the answers must be the same bytes, the provider journals
 * (WireMock and the gRPC order provider) the same calls, and the compiled path's counter
 * must show that it answered.
 *
 * @param compiled the application under test
 * @param compiledManagementPort its management port (for its metrics)
 * @param reference the reference application
 * @param environment the shared test environment (provider journals)
 */
public record GraphQlPathsComparison(WebTestClient compiled, int compiledManagementPort, WebTestClient reference,
		EdgeTestEnvironment environment) {

	private static final Pattern COMPILED_RUNS = Pattern
		.compile("(?m)^edge_graphql_executions_total\\{[^}]*execution=\"compiled\"[^}]*\\} (\\S+)$");

	/**
	 * Starts the reference application: the BFF {@code application} on a random port with
	 * {@code edge.graphql.compiled-plans=false}, the shared test environment's providers
	 * and identity provider, and {@code settings} (which should be those of the
	 * application under test, so that the two differ only in the execution path).
	 * @param application the BFF's application class
	 * @param settings property name to value
	 * @return the running reference application; close it after the tests
	 */
	public static Reference startReference(Class<?> application, Map<String, String> settings) {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--edge.graphql.compiled-plans=false"));
		settings.forEach((key, value) -> args.add("--" + key + "=" + value));
		return new Reference(
				new SpringApplicationBuilder(application).initializers(new EdgeTestEnvironmentInitializer())
					.run(args.toArray(String[]::new)));
	}

	/**
	 * A comparison against a reference application started by
	 * {@link #startReference(Class, Map)}.
	 * @param compiled the application under test
	 * @param compiledManagementPort its management port
	 * @param reference the reference application
	 * @param environment the shared test environment
	 * @return the comparison
	 */
	public static GraphQlPathsComparison of(WebTestClient compiled, int compiledManagementPort, Reference reference,
			EdgeTestEnvironment environment) {
		return of(compiled, compiledManagementPort, reference.port(), environment);
	}

	/**
	 * A comparison against a reference application listening on {@code referencePort}.
	 * @param compiled the application under test
	 * @param compiledManagementPort its management port
	 * @param referencePort the reference application's HTTP port
	 * @param environment the shared test environment
	 * @return the comparison
	 */
	public static GraphQlPathsComparison of(WebTestClient compiled, int compiledManagementPort, int referencePort,
			EdgeTestEnvironment environment) {
		WebTestClient reference = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + referencePort)
			.responseTimeout(Duration.ofSeconds(20))
			.build();
		return new GraphQlPathsComparison(compiled, compiledManagementPort, reference, environment);
	}

	/**
	 * Sends a persisted query to both applications, each with empty journals, and asserts
	 * the compiled path answered the first.
	 * @param token the caller's bearer token
	 * @param id the persisted query's id
	 * @param variables its variables
	 * @return both answers and both journals
	 */
	public Answers send(String token, String id, Map<String, Object> variables) {
		Map<String, Object> body = Map.of("variables", variables, "extensions",
				Map.of("persistedQuery", Map.of("id", id)));
		double compiledRuns = compiledRuns();
		resetJournals();
		String compiledAnswer = answer(this.compiled, token, body);
		List<String> compiledCalls = journal();
		// the application under test answered with the compiled plan, not graphql-java
		assertEquals(compiledRuns + 1, compiledRuns(), "the compiled path did not answer " + id);
		resetJournals();
		String expected = answer(this.reference, token, body);
		return new Answers(compiledAnswer, expected, compiledCalls, journal());
	}

	/**
	 * Asserts that the ids compared are exactly the BFF's persisted queries
	 * ({@code graphql/persisted/*.graphql}) and that each one compiles
	 * ({@code /actuator/graphql/{id}} says {@code compiled: true}).
	 * @param compared the query ids the comparison sent
	 */
	public void assertEveryPersistedQueryCompiledAndCompared(Set<?> compared) {
		Set<String> ids = new TreeSet<>();
		try {
			for (Resource resource : new PathMatchingResourcePatternResolver()
				.getResources("classpath:graphql/persisted/*.graphql")) {
				ids.add(resource.getFilename().replace(".graphql", ""));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		assertFalse(ids.isEmpty(), "no graphql/persisted/*.graphql");
		assertEquals(ids, new TreeSet<Object>(compared), "persisted queries against the ones compared");
		WebTestClient management = management();
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

	private WebTestClient management() {
		return WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.compiledManagementPort)
			.responseTimeout(Duration.ofSeconds(10))
			.build();
	}

	/**
	 * {@code edge.graphql.executions{execution="compiled"}} of the application under
	 * test.
	 */
	private double compiledRuns() {
		String metrics = management().get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		Matcher matcher = COMPILED_RUNS.matcher(metrics);
		return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
	}

	private static String answer(WebTestClient client, String token, Map<String, Object> body) {
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

	private void resetJournals() {
		this.environment.providers().resetRequests();
		this.environment.grpcOrders().resetCalls();
	}

	/** Every provider call since the last reset, as "provider METHOD url", sorted. */
	private List<String> journal() {
		List<String> calls = new ArrayList<>();
		for (Provider provider : Provider.values()) {
			this.environment.providers()
				.requests(provider)
				.forEach((r) -> calls.add(provider + " " + r.getMethod() + " " + r.getUrl()));
		}
		this.environment.grpcOrders()
			.calls()
			.forEach((call) -> calls.add(
					"ORDER grpc " + call.method() + " " + call.request().map(TextFormat::shortDebugString).orElse("")));
		calls.sort(null);
		return List.copyOf(calls);
	}

	/**
	 * One query's answers and journals on both paths.
	 *
	 * @param compiled the compiled path's answer
	 * @param expected graphql-java's answer
	 * @param compiledCalls the provider calls of the compiled path
	 * @param expectedCalls the provider calls of graphql-java
	 */
	public record Answers(String compiled, String expected, List<String> compiledCalls, List<String> expectedCalls) {

		/**
		 * Asserts the same bytes on both paths and the same, non-empty, provider calls.
		 * @return the compiled path's answer
		 */
		public String assertSameBytesAndCalls() {
			assertEquals(this.expected, this.compiled, "the compiled answer against graphql-java's");
			assertFalse(this.compiledCalls.isEmpty(), "no provider call");
			assertEquals(this.expectedCalls, this.compiledCalls, "the compiled path's calls against graphql-java's");
			return this.compiled;
		}

	}

	/**
	 * The running reference application (graphql-java's execution).
	 *
	 * @param context its application context
	 */
	public record Reference(ConfigurableApplicationContext context) implements AutoCloseable {

		/**
		 * Its HTTP port.
		 * @return the port
		 */
		public int port() {
			return Integer.parseInt(this.context.getEnvironment().getProperty("local.server.port"));
		}

		@Override
		public void close() {
			this.context.close();
		}

	}

}
