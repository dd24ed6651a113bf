package io.ftgo.edge.gateway.graphql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.execution.DataFetcherResult;
import graphql.language.ObjectTypeDefinition;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.FieldWiringEnvironment;
import graphql.schema.idl.WiringFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.ftgo.edge.composition.CompositionException;
import io.ftgo.edge.composition.FailureReason;
import io.ftgo.edge.composition.PartMetadata;
import io.ftgo.edge.composition.PartStatus;
import io.ftgo.edge.composition.ProviderCalls;
import io.ftgo.edge.gateway.graphql.EdgeGraphQlProperties.FieldDefinition;
import io.ftgo.edge.gateway.graphql.GraphQlFields.Field;

/**
 * Wires every configured field to a fetcher that resolves it through the composition
 * runtime ({@link ProviderCalls}: the request's deadline, the provider's breaker,
 * bulkhead and idempotent-only retries, collapsing, the fallback chain, one call per
 * distinct call and request), and the other fields of configured types to a reader of the
 * parent's value that loads the whole object (the type's {@code load}) when the field is
 * missing.
 */
final class EdgeDataFetchers implements WiringFactory {

	private final GraphQlFields fields;

	private final JsonMapper json;

	EdgeDataFetchers(GraphQlFields fields, JsonMapper json) {
		this.fields = fields;
		this.json = json;
	}

	@Override
	public boolean providesDataFetcher(FieldWiringEnvironment environment) {
		String type = typeName(environment);
		return type != null && this.fields.configured(type);
	}

	@Override
	public DataFetcher<?> getDataFetcher(FieldWiringEnvironment environment) {
		String type = typeName(environment);
		String name = environment.getFieldDefinition().getName();
		Field field = this.fields.field(type, name);
		if (field != null && field.definition().calls()) {
			return (env) -> fetch(env, field);
		}
		String path = (field != null && field.definition().path() != null) ? field.definition().path() : name;
		Field load = this.fields.load(type);
		return new PropertyReader(path, load);
	}

	/**
	 * Reads a property of the parent, like graphql-java's property fetcher: trivial, so
	 * neither Spring's context decoration nor per-field observations wrap it (most fields
	 * of a query are these). Only when the parent lacks the property and the type has a
	 * {@code load} does it answer a future of the loaded object's property.
	 */
	private final class PropertyReader implements graphql.TrivialDataFetcher<Object> {

		private final String[] paths;

		private final Field load;

		PropertyReader(String path, Field load) {
			this.paths = path.split("\\|");
			this.load = load;
		}

		@Override
		public Object get(DataFetchingEnvironment env) {
			Object value = read(env, this.paths, this.load);
			return (value instanceof Mono<?> mono) ? mono.toFuture() : value;
		}

	}

	private static String typeName(FieldWiringEnvironment environment) {
		return (environment.getParentType() instanceof ObjectTypeDefinition object) ? object.getName() : null;
	}

	/** A field without a call: the parent's property, or the loaded object's. */
	private Object read(DataFetchingEnvironment env, String[] paths, Field load) {
		Object source = env.getSource();
		for (String alternative : paths) {
			if (FieldReferences.present(source, alternative)) {
				return FieldReferences.read(source, alternative);
			}
		}
		if (load == null) {
			return null;
		}
		String wanted = paths[0];
		GraphQlExecution execution = execution(env);
		return loaded(env, execution, load, source).map((outcome) -> {
			if (outcome.value() == null) {
				return failure(env, outcome.metadata());
			}
			degrade(env, execution, outcome.metadata());
			return DataFetcherResult.newResult().data(FieldReferences.read(toJava(outcome.value()), wanted)).build();
		}).onErrorResume((error) -> Mono.just(error(env, error)));
	}

	/** The whole object of a partial parent, once per object and request. */
	private Mono<ProviderCalls.Outcome> loaded(DataFetchingEnvironment env, GraphQlExecution execution, Field load,
			Object source) {
		String target = FieldReferences.expand(load.definition().get(), resolver(env, execution, source, null));
		if (target == null) {
			return Mono.just(new ProviderCalls.Outcome(null, unresolved()));
		}
		return execution.calls().get(load.definition().from(), target, false, null);
	}

	private Object fetch(DataFetchingEnvironment env, Field field) {
		GraphQlExecution execution = execution(env);
		Object source = env.getSource();
		FieldDefinition d = field.definition();
		boolean needsLoad = false;
		for (String path : field.sourcePaths()) {
			if (!FieldReferences.present(source, path)) {
				needsLoad = true;
			}
		}
		Field load = needsLoad
				? this.fields.load(env.getParentType() instanceof graphql.schema.GraphQLObjectType o ? o.getName() : "")
				: null;
		Mono<Object> parent = (load == null) ? Mono.justOrEmpty(source).defaultIfEmpty(Map.of())
				: loaded(env, execution, load, source)
					.map((outcome) -> (outcome.value() != null) ? toJava(outcome.value()) : source);
		return parent.flatMap((object) -> call(env, execution, field, object))
			.onErrorResume((error) -> Mono.just(error(env, error)));
	}

	private Mono<Object> call(DataFetchingEnvironment env, GraphQlExecution execution, Field field, Object source) {
		FieldDefinition d = field.definition();
		Function<String, Object> before = resolver(env, execution, source, null);
		if (field.authorize() != null && field.authorize().beforeCall() && !field.authorize().holds(before)) {
			return Mono.just(notFound(env));
		}
		if (d.post() != null) {
			return mutate(env, execution, field, source, before);
		}
		String target = FieldReferences.expand(d.get(), before);
		if (target == null) {
			return Mono.just(failure(env, unresolved()));
		}
		JsonNode defaultValue = (d.defaultValue() != null) ? this.json.valueToTree(d.defaultValue()) : null;
		return execution.calls()
			.get(d.from(), target, field.required(), defaultValue)
			.map((outcome) -> answer(env, execution, field, source, outcome));
	}

	private Mono<Object> mutate(DataFetchingEnvironment env, GraphQlExecution execution, Field field, Object source,
			Function<String, Object> before) {
		FieldDefinition d = field.definition();
		Mono<Boolean> allowed = Mono.just(true);
		if (d.check() != null) {
			String check = FieldReferences.expand(d.check(), before);
			if (check == null) {
				return Mono.just(notFound(env));
			}
			allowed = execution.calls()
				.get(d.from(), check, true, null)
				.map((outcome) -> field.authorize() == null
						|| field.authorize().holds(resolver(env, execution, source, toJava(outcome.value()))));
		}
		return allowed.flatMap((ok) -> {
			if (!ok) {
				return Mono.just(notFound(env));
			}
			String target = FieldReferences.expand(d.post(), before);
			if (target == null) {
				return Mono.just(notFound(env));
			}
			Map<String, Object> body = new LinkedHashMap<>();
			if (d.body() != null && env.getArgument(d.body()) instanceof Map<?, ?> input) {
				input.forEach((k, v) -> body.put(String.valueOf(k), v));
			}
			d.bodySet().forEach((name, reference) -> body.put(name, before.apply(reference)));
			return execution.calls()
				.post(d.from(), target, this.json.valueToTree(body))
				.map((outcome) -> answer(env, execution, field, source, outcome));
		});
	}

	private Object answer(DataFetchingEnvironment env, GraphQlExecution execution, Field field, Object source,
			ProviderCalls.Outcome outcome) {
		if (outcome.value() == null) {
			return failure(env, outcome.metadata());
		}
		Object answer = toJava(outcome.value());
		if (field.authorize() != null && !field.authorize().beforeCall() && field.definition().post() == null
				&& !field.authorize().holds(resolver(env, execution, source, answer))) {
			return notFound(env);
		}
		FieldDefinition d = field.definition();
		Object value = (d.select() != null) ? FieldReferences.read(answer, d.select()) : answer;
		if (value instanceof List<?> list) {
			value = page(env, d, list);
		}
		degrade(env, execution, outcome.metadata());
		return DataFetcherResult.newResult().data(value).build();
	}

	/**
	 * {@code first}/{@code after} paging of a list answer, by the {@code cursor}
	 * property.
	 */
	private static List<?> page(DataFetchingEnvironment env, FieldDefinition d, List<?> list) {
		Object after = env.getArgument("after");
		Object first = env.getArgument("first");
		int from = 0;
		if (after != null && d.cursor() != null) {
			for (int i = 0; i < list.size(); i++) {
				Object cursor = FieldReferences.read(list.get(i), d.cursor());
				if (cursor != null && FieldReferences.text(cursor).equals(FieldReferences.text(after))) {
					from = i + 1;
					break;
				}
			}
		}
		int to = (first instanceof Number n) ? Math.min(list.size(), from + Math.max(0, n.intValue())) : list.size();
		return (from == 0 && to == list.size()) ? list : new ArrayList<>(list.subList(Math.min(from, to), to));
	}

	private static void degrade(DataFetchingEnvironment env, GraphQlExecution execution, PartMetadata metadata) {
		if (metadata.status() == PartStatus.FRESH) {
			return;
		}
		Map<String, Object> what = new LinkedHashMap<>();
		what.put("status", metadata.status().label());
		if (metadata.reason() != null) {
			what.put("reason", metadata.reason().label());
		}
		if (metadata.httpStatus() != null) {
			what.put("httpStatus", metadata.httpStatus());
		}
		if (metadata.age() != null) {
			what.put("ageSeconds", metadata.age().toSeconds());
		}
		execution.degraded(path(env), what);
	}

	static String path(DataFetchingEnvironment env) {
		String path = env.getExecutionStepInfo().getPath().toString();
		return (path.startsWith("/") ? path.substring(1) : path).replace('/', '.');
	}

	private Function<String, Object> resolver(DataFetchingEnvironment env, GraphQlExecution execution, Object source,
			Object answer) {
		return (reference) -> switch (FieldReferences.scope(reference)) {
			case "args" -> FieldReferences.read(env.getArguments(), FieldReferences.rest(reference));
			case "source" -> FieldReferences.read(source, FieldReferences.rest(reference));
			case "principal" -> FieldReferences.read(execution.principal(), FieldReferences.rest(reference));
			default -> FieldReferences.read(answer, reference);
		};
	}

	/**
	 * A provider answer as maps, lists and scalars (what graphql-java's property reading
	 * and coercion expect), walked directly: cheaper than data-binding the tree.
	 */
	static Object toJava(JsonNode node) {
		if (node == null || node.isNull() || node.isMissingNode()) {
			return null;
		}
		if (node.isObject()) {
			Map<String, Object> map = new LinkedHashMap<>(node.size() * 2);
			for (Map.Entry<String, JsonNode> property : node.properties()) {
				map.put(property.getKey(), toJava(property.getValue()));
			}
			return map;
		}
		if (node.isArray()) {
			List<Object> list = new ArrayList<>(node.size());
			for (JsonNode item : node) {
				list.add(toJava(item));
			}
			return list;
		}
		if (node.isString()) {
			return node.asString();
		}
		if (node.isBoolean()) {
			return node.booleanValue();
		}
		if (node.isNumber()) {
			return node.numberValue();
		}
		return node.asString();
	}

	private static GraphQlExecution execution(DataFetchingEnvironment env) {
		GraphQlExecution execution = env.getGraphQlContext().get(GraphQlExecution.KEY);
		if (execution == null) {
			throw new IllegalStateException("GraphQL request without edge context");
		}
		return execution;
	}

	private static PartMetadata unresolved() {
		return new PartMetadata(PartStatus.OMITTED, FailureReason.UNRESOLVED, null, null, java.time.Duration.ZERO, 0,
				0);
	}

	static DataFetcherResult<Object> notFound(DataFetchingEnvironment env) {
		Map<String, Object> extensions = new LinkedHashMap<>();
		extensions.put("status", "failed");
		return DataFetcherResult.newResult()
			.error(GraphqlErrorBuilder.newError(env)
				.errorType(EdgeGraphQlErrorType.NOT_FOUND)
				.message("Not found")
				.extensions(extensions)
				.build())
			.build();
	}

	/** An optional field that walked its chain to the end: null and an error. */
	private static DataFetcherResult<Object> failure(DataFetchingEnvironment env, PartMetadata metadata) {
		EdgeGraphQlErrorType type = classify(metadata.reason(), metadata.httpStatus());
		Map<String, Object> extensions = new LinkedHashMap<>();
		extensions.put("reason", (metadata.reason() != null) ? metadata.reason().label() : "error");
		extensions.put("status", metadata.status().label());
		if (metadata.httpStatus() != null) {
			extensions.put("httpStatus", metadata.httpStatus());
		}
		return DataFetcherResult.newResult()
			.error(GraphqlErrorBuilder.newError(env)
				.errorType(type)
				.message(message(type))
				.extensions(extensions)
				.build())
			.build();
	}

	private static DataFetcherResult<Object> error(DataFetchingEnvironment env, Throwable error) {
		Map<String, Object> extensions = new LinkedHashMap<>();
		EdgeGraphQlErrorType type;
		if (error instanceof CompositionException failure) {
			type = EdgeGraphQlErrorType.of(failure.kind());
			extensions.put("reason", (failure.reason() != null) ? failure.reason().label() : "not-found");
			extensions.put("status", "failed");
			if (failure.provider() != null) {
				extensions.put("provider", failure.provider());
			}
		}
		else if (error instanceof ProviderCalls.BudgetExceeded budget) {
			type = EdgeGraphQlErrorType.CALL_BUDGET_EXCEEDED;
			extensions.put("budget", budget.budget());
			extensions.put("status", "omitted");
		}
		else {
			type = EdgeGraphQlErrorType.BAD_GATEWAY;
			extensions.put("reason", "error");
			extensions.put("status", "failed");
		}
		GraphQLError graphQlError = GraphqlErrorBuilder.newError(env)
			.errorType(type)
			.message(message(type))
			.extensions(extensions)
			.build();
		return DataFetcherResult.newResult().error(graphQlError).build();
	}

	static EdgeGraphQlErrorType classify(FailureReason reason, Integer httpStatus) {
		if (reason == null) {
			return EdgeGraphQlErrorType.BAD_GATEWAY;
		}
		return switch (reason) {
			case TIMEOUT -> EdgeGraphQlErrorType.GATEWAY_TIMEOUT;
			case CIRCUIT_OPEN, BULKHEAD_FULL, CONCURRENCY_LIMIT, THROTTLED -> EdgeGraphQlErrorType.UNAVAILABLE;
			case HTTP_STATUS -> (httpStatus != null && httpStatus == 404) ? EdgeGraphQlErrorType.NOT_FOUND
					: EdgeGraphQlErrorType.BAD_GATEWAY;
			default -> EdgeGraphQlErrorType.BAD_GATEWAY;
		};
	}

	static String message(EdgeGraphQlErrorType type) {
		return switch (type) {
			case NOT_FOUND -> "Not found";
			case GATEWAY_TIMEOUT -> "A provider did not answer in time";
			case UNAVAILABLE -> "A provider is unavailable";
			case CALL_BUDGET_EXCEEDED -> "The request's provider-call budget is spent";
			default -> "A provider failed";
		};
	}

}
