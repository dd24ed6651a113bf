package io.ftgo.edge.gateway.graphql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import graphql.GraphQLError;
import graphql.execution.ResultPath;
import graphql.language.SourceLocation;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.ftgo.edge.composition.FailureReason;
import io.ftgo.edge.composition.PartMetadata;
import io.ftgo.edge.composition.PartStatus;
import io.ftgo.edge.composition.ProviderCalls;
import io.ftgo.edge.gateway.graphql.EdgeGraphQlProperties.FieldDefinition;
import io.ftgo.edge.gateway.graphql.GraphQlFields.Field;

/**
 * How one field is resolved, shared by both execution paths (graphql-java's fetchers,
 * {@link EdgeDataFetchers}, and the compiled executor, {@link CompiledQuery}): a field
 * with a call resolves through the composition runtime ({@link ProviderCalls}: the
 * request's deadline, the provider's breaker, bulkhead and idempotent-only retries,
 * collapsing, the fallback chain, one call per distinct call and request); another field
 * reads the parent's value, loading the whole object (the type's {@code load}) when the
 * property is missing.
 */
final class FieldResolver {

	/** Where a field is resolved: its parent's value, arguments, location and path. */
	interface Site {

		Object source();

		Map<String, Object> arguments();

		Object argument(String name);

		String parentType();

		SourceLocation location();

		ResultPath path();

		GraphQlExecution execution();

	}

	/** A field's answer: its value, or null and an error. */
	record Resolved(Object data, GraphQLError error) {
	}

	private final GraphQlFields fields;

	private final JsonMapper json;

	FieldResolver(GraphQlFields fields, JsonMapper json) {
		this.fields = fields;
		this.json = json;
	}

	GraphQlFields fields() {
		return this.fields;
	}

	/**
	 * A field without a call: the parent's property (returned as is), or a
	 * {@code Mono<Resolved>} of the loaded object's property.
	 */
	Object read(Site site, String[] paths, Field load) {
		Object source = site.source();
		for (String alternative : paths) {
			if (FieldReferences.present(source, alternative)) {
				return FieldReferences.read(source, alternative);
			}
		}
		if (load == null) {
			return null;
		}
		String wanted = paths[0];
		GraphQlExecution execution = site.execution();
		return loaded(site, execution, load, source).map((outcome) -> {
			if (outcome.value() == null) {
				return failure(site, outcome.metadata());
			}
			degrade(site, execution, outcome.metadata());
			return new Resolved(FieldReferences.read(toJava(outcome.value()), wanted), null);
		}).onErrorResume((error) -> Mono.just(error(site, error)));
	}

	/** The whole object of a partial parent, once per object and request. */
	private Mono<ProviderCalls.Outcome> loaded(Site site, GraphQlExecution execution, Field load, Object source) {
		String target = FieldReferences.expand(load.definition().get(), resolver(site, execution, source, null));
		if (target == null) {
			return Mono.just(new ProviderCalls.Outcome(null, unresolved()));
		}
		return execution.calls().get(load.definition().from(), target, false, null);
	}

	/** A field with a call. */
	Mono<Resolved> fetch(Site site, Field field) {
		GraphQlExecution execution = site.execution();
		Object source = site.source();
		boolean needsLoad = false;
		for (String path : field.sourcePaths()) {
			if (!FieldReferences.present(source, path)) {
				needsLoad = true;
			}
		}
		Field load = needsLoad ? this.fields.load((site.parentType() != null) ? site.parentType() : "") : null;
		Mono<Object> parent = (load == null) ? Mono.justOrEmpty(source).defaultIfEmpty(Map.of())
				: loaded(site, execution, load, source)
					.map((outcome) -> (outcome.value() != null) ? toJava(outcome.value()) : source);
		return parent.flatMap((object) -> call(site, execution, field, object))
			.onErrorResume((error) -> Mono.just(error(site, error)));
	}

	private Mono<Resolved> call(Site site, GraphQlExecution execution, Field field, Object source) {
		FieldDefinition d = field.definition();
		Function<String, Object> before = resolver(site, execution, source, null);
		if (field.authorize() != null && field.authorize().beforeCall() && !field.authorize().holds(before)) {
			return Mono.just(notFound(site));
		}
		if (d.post() != null) {
			return mutate(site, execution, field, source, before);
		}
		String target = FieldReferences.expand(d.get(), before);
		if (target == null) {
			return Mono.just(failure(site, unresolved()));
		}
		JsonNode defaultValue = (d.defaultValue() != null) ? this.json.valueToTree(d.defaultValue()) : null;
		return execution.calls()
			.get(d.from(), target, field.required(), defaultValue)
			.map((outcome) -> answer(site, execution, field, source, outcome));
	}

	private Mono<Resolved> mutate(Site site, GraphQlExecution execution, Field field, Object source,
			Function<String, Object> before) {
		FieldDefinition d = field.definition();
		Mono<Boolean> allowed = Mono.just(true);
		if (d.check() != null) {
			String check = FieldReferences.expand(d.check(), before);
			if (check == null) {
				return Mono.just(notFound(site));
			}
			allowed = execution.calls()
				.get(d.from(), check, true, null)
				.map((outcome) -> field.authorize() == null
						|| field.authorize().holds(resolver(site, execution, source, toJava(outcome.value()))));
		}
		return allowed.flatMap((ok) -> {
			if (!ok) {
				return Mono.just(notFound(site));
			}
			String target = FieldReferences.expand(d.post(), before);
			if (target == null) {
				return Mono.just(notFound(site));
			}
			Map<String, Object> body = new LinkedHashMap<>();
			if (d.body() != null && site.argument(d.body()) instanceof Map<?, ?> input) {
				input.forEach((k, v) -> body.put(String.valueOf(k), v));
			}
			d.bodySet().forEach((name, reference) -> body.put(name, before.apply(reference)));
			return execution.calls()
				.post(d.from(), target, this.json.valueToTree(body))
				.map((outcome) -> answer(site, execution, field, source, outcome));
		});
	}

	private Resolved answer(Site site, GraphQlExecution execution, Field field, Object source,
			ProviderCalls.Outcome outcome) {
		if (outcome.value() == null) {
			return failure(site, outcome.metadata());
		}
		Object answer = toJava(outcome.value());
		if (field.authorize() != null && !field.authorize().beforeCall() && field.definition().post() == null
				&& !field.authorize().holds(resolver(site, execution, source, answer))) {
			return notFound(site);
		}
		FieldDefinition d = field.definition();
		Object value = (d.select() != null) ? FieldReferences.read(answer, d.select()) : answer;
		if (value instanceof List<?> list) {
			value = page(site, d, list);
		}
		degrade(site, execution, outcome.metadata());
		return new Resolved(value, null);
	}

	/**
	 * {@code first}/{@code after} paging of a list answer, by the {@code cursor}
	 * property.
	 */
	private static List<?> page(Site site, FieldDefinition d, List<?> list) {
		Object after = site.argument("after");
		Object first = site.argument("first");
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

	private static void degrade(Site site, GraphQlExecution execution, PartMetadata metadata) {
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
		execution.degraded(path(site.path()), what);
	}

	static String path(ResultPath resultPath) {
		String path = resultPath.toString();
		return (path.startsWith("/") ? path.substring(1) : path).replace('/', '.');
	}

	private static Function<String, Object> resolver(Site site, GraphQlExecution execution, Object source,
			Object answer) {
		return (reference) -> switch (FieldReferences.scope(reference)) {
			case "args" -> FieldReferences.read(site.arguments(), FieldReferences.rest(reference));
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

	private static PartMetadata unresolved() {
		return new PartMetadata(PartStatus.OMITTED, FailureReason.UNRESOLVED, null, null, java.time.Duration.ZERO, 0,
				0);
	}

	private static Resolved notFound(Site site) {
		return new Resolved(null, FieldErrors.notFound(site.location(), site.path()));
	}

	private static Resolved failure(Site site, PartMetadata metadata) {
		return new Resolved(null, FieldErrors.failure(site.location(), site.path(), metadata));
	}

	private static Resolved error(Site site, Throwable error) {
		return new Resolved(null, FieldErrors.error(site.location(), site.path(), error));
	}

}
