package io.ftgo.edge.gateway.graphql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import graphql.language.Document;
import graphql.parser.InvalidSyntaxException;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.graphql.execution.GraphQlSource;
import org.springframework.graphql.server.WebGraphQlHandler;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ResponseStatusException;

import io.ftgo.edge.composition.CompositionEngine;
import io.ftgo.edge.composition.CompositionRequest;
import io.ftgo.edge.gateway.support.PrincipalResolver;
import io.ftgo.edge.gateway.support.ProviderHeaders;
import io.ftgo.edge.security.EdgePrincipal;
import io.ftgo.edge.gateway.deadline.ClientDeadlines;
import io.ftgo.edge.security.IdentityPropagation;

/**
 * {@code GET} (queries only) and {@code POST} on {@code edge.graphql.path}. Before
 * anything runs: the persisted-query allow-list, then the plan (work counted against
 * {@code max-work} first, then argument and variable values, depth, cost, planned
 * provider calls, introspection); a refused query answers a GraphQL error with its code
 * and calls nothing. graphql-java's own messages are put in the edge's words
 * ({@link GraphQlErrors}). The query's cost is charged to the caller's rate limit. Then
 * Spring for GraphQL executes it with the request's {@link GraphQlExecution} (one
 * deadline, per-request deduplication, the call budget); fields served stale or by
 * default are listed under {@code extensions.degraded}.
 */
final class EdgeGraphQlHttpHandler {

	/**
	 * Every request runs in one locale (error messages are the edge's own, in English),
	 * so graphql-java's message bundles are loaded once at start-up, never on an event
	 * loop.
	 */
	static final java.util.Locale LOCALE = java.util.Locale.ENGLISH;

	private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
	};

	private final WebGraphQlHandler handler;

	private final GraphQlSource source;

	private final QueryPlanner planner;

	private final PersistedQueries persisted;

	private final CompositionEngine engine;

	private final IdentityPropagation propagation;

	private final JsonMapper json;

	private final EdgeGraphQlProperties properties;

	private final CostCharger charger;

	private final DocumentCache documents;

	private final ClientDeadlines clientDeadlines;

	private final CompiledPlans compiled;

	/** Request attribute: the request's deadline (a client's may be shorter). */
	private static final String DEADLINE_ATTR = EdgeGraphQlHttpHandler.class.getName() + ".deadline";

	EdgeGraphQlHttpHandler(WebGraphQlHandler handler, GraphQlSource source, QueryPlanner planner,
			PersistedQueries persisted, CompositionEngine engine, IdentityPropagation propagation, JsonMapper json,
			EdgeGraphQlProperties properties, CostCharger charger, DocumentCache documents,
			ClientDeadlines clientDeadlines, CompiledPlans compiled) {
		this.compiled = compiled;
		this.clientDeadlines = clientDeadlines;
		this.documents = documents;
		this.handler = handler;
		this.source = source;
		this.planner = planner;
		this.persisted = persisted;
		this.engine = engine;
		this.propagation = propagation;
		this.json = json;
		this.properties = properties;
		this.charger = charger;
	}

	Mono<ServerResponse> handle(ServerRequest request) {
		if (this.clientDeadlines != null) {
			try {
				// A client's shorter deadline (malformed: 400; expired: 504, no call
				// made).
				request.attributes()
					.put(DEADLINE_ATTR, this.clientDeadlines.deadline(request.headers().asHttpHeaders(),
							this.properties.timeout()));
			}
			catch (ClientDeadlines.Refused refused) {
				return Mono.error(refused);
			}
		}
		Mono<Map<String, Object>> body = (request.method() == HttpMethod.GET)
				? Mono.fromSupplier(() -> fromQuery(request))
				: request.bodyToMono(byte[].class)
					.map((bytes) -> this.json.readValue(bytes, MAP))
					.onErrorMap((ex) -> !(ex instanceof ResponseStatusException),
							(ex) -> new ResponseStatusException(HttpStatus.BAD_REQUEST))
					.switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.BAD_REQUEST)));
		return body.flatMap((map) -> request.principal()
			.filter(Authentication.class::isInstance)
			.map((principal) -> java.util.Optional.of((Authentication) principal))
			.defaultIfEmpty(java.util.Optional.empty())
			.flatMap((authentication) -> execute(request, map, authentication.orElse(null))));
	}

	private Map<String, Object> fromQuery(ServerRequest request) {
		Map<String, Object> map = new LinkedHashMap<>();
		request.queryParam("query").ifPresent((q) -> map.put("query", q));
		request.queryParam("operationName").ifPresent((o) -> map.put("operationName", o));
		try {
			request.queryParam("variables").ifPresent((v) -> map.put("variables", this.json.readValue(v, MAP)));
			request.queryParam("extensions").ifPresent((e) -> map.put("extensions", this.json.readValue(e, MAP)));
		}
		catch (RuntimeException ex) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST);
		}
		return map;
	}

	@SuppressWarnings("unchecked")
	private Mono<ServerResponse> execute(ServerRequest request, Map<String, Object> body,
			Authentication authentication) {
		EdgePrincipal principal = PrincipalResolver.principal(request.exchange(), authentication);
		Object query = body.get("query");
		Map<String, Object> extensions = (body.get("extensions") instanceof Map<?, ?> e) ? (Map<String, Object>) e
				: Map.of();
		boolean fromRegistry = false;
		if (extensions.get("persistedQuery") instanceof Map<?, ?> persistedQuery) {
			Object id = persistedQuery.get("id");
			Object hash = persistedQuery.get("sha256Hash");
			String text = this.persisted.find((id != null) ? id.toString() : null,
					(hash != null) ? hash.toString() : null);
			if (text == null) {
				return refuse(EdgeGraphQlErrorType.PERSISTED_QUERY_NOT_FOUND, "No registered query has this id or hash",
						Map.of());
			}
			query = text;
			fromRegistry = true;
		}
		if (!(query instanceof String document) || document.isBlank()) {
			return refuse(EdgeGraphQlErrorType.INVALID_QUERY, "The request has no query", Map.of());
		}
		Document parsed;
		try {
			parsed = this.documents.parse(document);
		}
		catch (InvalidSyntaxException ex) {
			return refuse(EdgeGraphQlErrorType.INVALID_QUERY, "The query cannot be parsed", Map.of());
		}
		String operationName = (body.get("operationName") instanceof String name) ? name : null;
		Map<String, Object> variables = (body.get("variables") instanceof Map<?, ?> v) ? (Map<String, Object>) v
				: Map.of();
		Document document0 = parsed;
		QueryPlan plan = this.documents.plan(document, operationName, variables,
				() -> this.documents
					.operation(document, operationName,
							() -> this.planner.compile(this.source.schema(), document0, operationName))
					.plan(variables));
		if (plan.invalid) {
			return refuse(EdgeGraphQlErrorType.INVALID_QUERY, plan.invalidReason, Map.of());
		}
		if (plan.tooDeep) {
			return refuse(EdgeGraphQlErrorType.QUERY_TOO_DEEP,
					"The query's selections and fragments are nested too deeply",
					Map.of("nesting", plan.nesting, "maxNesting", this.planner.maxNesting()));
		}
		if (plan.tooLarge) {
			return refuse(EdgeGraphQlErrorType.QUERY_TOO_LARGE,
					"The query takes more work than this edge allows (fields after fragment expansion, directives, variables)",
					Map.of("work", plan.work, "maxWork", this.properties.maxWork()));
		}
		if (request.method() == HttpMethod.GET && !"query".equals(plan.operation)) {
			return Mono.error(new ResponseStatusException(HttpStatus.METHOD_NOT_ALLOWED));
		}
		if (plan.introspection && !this.properties.introspection()) {
			return refuse(EdgeGraphQlErrorType.INTROSPECTION_DISABLED, "Introspection is switched off", Map.of());
		}
		if (this.properties.persistedQueries().enforce() && !fromRegistry && !this.persisted.registered(document)) {
			return refuse(EdgeGraphQlErrorType.PERSISTED_QUERY_REQUIRED,
					"Only registered queries run here: send extensions.persistedQuery", Map.of());
		}
		if (plan.inputError != null) {
			return refuse(EdgeGraphQlErrorType.INVALID_INPUT, plan.inputError.message(), plan.inputError.details());
		}
		if (plan.depth > this.properties.maxDepth()) {
			return refuse(EdgeGraphQlErrorType.QUERY_TOO_DEEP, "The query is nested too deeply",
					Map.of("depth", plan.depth, "maxDepth", this.properties.maxDepth()));
		}
		if (plan.cost > this.properties.maxComplexity()) {
			return refuse(EdgeGraphQlErrorType.QUERY_TOO_COMPLEX, "The query costs too much",
					Map.of("cost", plan.cost, "maxComplexity", this.properties.maxComplexity()));
		}
		if (plan.calls > this.properties.maxProviderCalls()) {
			return refuse(EdgeGraphQlErrorType.CALL_BUDGET_EXCEEDED, "The query would make too many provider calls",
					Map.of("providerCalls", plan.calls, "maxProviderCalls", this.properties.maxProviderCalls()));
		}
		String text = document;
		return this.charger.charge(request, principal, plan.cost).then(Mono.defer(() -> {
			GraphQlExecution execution = new GraphQlExecution(this.engine.calls(
					compositionRequest(request, authentication, principal),
					(java.time.Duration) request.attributes().getOrDefault(DEADLINE_ATTR, this.properties.timeout()),
					this.properties.maxProviderCalls()), principalAttributes(principal));
			// The compiled plan where it answers exactly as graphql-java; otherwise
			// graphql-java, with the same execution (its calls deduplicated per request).
			return this.compiled.execute(text, document0, operationName, variables, execution)
				.flatMap((answer) -> answer.isPresent() ? Mono.just(answer.get()) : run(request, body, text, execution))
				.flatMap((result) -> respond(result, execution, plan));
		}));
	}

	private Mono<Map<String, Object>> run(ServerRequest request, Map<String, Object> body, String document,
			GraphQlExecution execution) {
		Map<String, Object> graphQlBody = new LinkedHashMap<>(body);
		graphQlBody.put("query", document);
		graphQlBody.remove("extensions");
		WebGraphQlRequest graphQlRequest = new WebGraphQlRequest(request.uri(), request.headers().asHttpHeaders(),
				request.cookies(), request.remoteAddress().orElse(null), request.attributes(), graphQlBody,
				request.exchange().getRequest().getId(), LOCALE);
		graphQlRequest.configureExecutionInput((input,
				builder) -> builder.graphQLContext((context) -> context.put(GraphQlExecution.KEY, execution)).build());
		return this.handler.handleRequest(graphQlRequest).map((response) -> response.toMap());
	}

	/** The answer, in the edge's words, with its extensions. */
	private Mono<ServerResponse> respond(Map<String, Object> answer, GraphQlExecution execution, QueryPlan plan) {
		Map<String, Object> result = new LinkedHashMap<>(answer);
		if (result.get("errors") instanceof List<?> errors) {
			result.put("errors", GraphQlErrors.rewrite(errors));
		}
		Map<String, Object> ext = new LinkedHashMap<>();
		if (result.get("extensions") instanceof Map<?, ?> existing) {
			existing.forEach((k, v) -> ext.put(String.valueOf(k), v));
		}
		Map<String, Map<String, Object>> degraded = execution.degraded();
		if (!degraded.isEmpty()) {
			ext.put("degraded", degraded);
		}
		ext.put("cost", plan.cost);
		ext.put("providerCalls", execution.calls().calls());
		result.put("extensions", ext);
		return ServerResponse.ok()
			.contentType(MediaType.APPLICATION_JSON)
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.bodyValue(this.json.writeValueAsBytes(result));
	}

	private Mono<ServerResponse> refuse(EdgeGraphQlErrorType type, String message, Map<String, Object> details) {
		Map<String, Object> extensions = new LinkedHashMap<>();
		extensions.put("classification", type.name());
		extensions.putAll(details);
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("message", message);
		error.put("extensions", extensions);
		List<Object> errors = new ArrayList<>();
		errors.add(error);
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("errors", errors);
		return ServerResponse.ok()
			.contentType(MediaType.APPLICATION_JSON)
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.bodyValue(this.json.writeValueAsBytes(result));
	}

	private CompositionRequest compositionRequest(ServerRequest request, Authentication authentication,
			EdgePrincipal principal) {
		CompositionRequest input = CompositionRequest.of(Map.of())
			.withHeaders(new ProviderHeaders(this.propagation).forComposedCall(request.exchange(), authentication));
		if (principal == null) {
			return input;
		}
		return input.withPrincipal(principal.identityScope(), principalAttributes(principal));
	}

	private static Map<String, Object> principalAttributes(EdgePrincipal principal) {
		if (principal == null) {
			return Map.of();
		}
		Map<String, Object> attributes = new LinkedHashMap<>(principal.attributes());
		attributes.put("subject", principal.subject());
		attributes.put("scopes", principal.scopes());
		return attributes;
	}

}
