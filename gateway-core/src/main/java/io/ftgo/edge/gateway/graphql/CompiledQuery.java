package io.ftgo.edge.gateway.graphql;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import graphql.ExecutionResult;
import graphql.GraphQLContext;
import graphql.GraphQLError;
import graphql.execution.CoercedVariables;
import graphql.execution.RawVariables;
import graphql.execution.ResultPath;
import graphql.execution.ValuesResolver;
import graphql.language.SourceLocation;
import graphql.schema.GraphQLSchema;
import reactor.core.publisher.Mono;

import io.ftgo.edge.gateway.graphql.CompiledSelections.Selection;

/**
 * A validated query compiled once per document ({@link CompiledSelections}) and run
 * without graphql-java's per-field execution: the provider calls are the plan's fields,
 * resolved by the same {@link FieldResolver} graphql-java's fetchers use, and the answer
 * is written directly from the parts, in graphql-java's shape (errors in the order the
 * fields finished, then data). When a request's values are something only graphql-java
 * answers exactly (a value that does not coerce to its scalar, a non-list for a list
 * field, variables that do not coerce), {@link #execute} answers empty and the handler
 * runs graphql-java with the same {@link GraphQlExecution}: its calls are deduplicated
 * per request, so the provider calls are not made again.
 */
final class CompiledQuery {

	private final GraphQLSchema schema;

	private final CompiledSelections.Operation operation;

	private final FieldResolver resolver;

	CompiledQuery(GraphQLSchema schema, CompiledSelections.Operation operation, FieldResolver resolver) {
		this.schema = schema;
		this.operation = operation;
		this.resolver = resolver;
	}

	/**
	 * The answer ({@code errors}, {@code data}), or empty where graphql-java must answer.
	 */
	Mono<Optional<Map<String, Object>>> execute(GraphQlExecution execution, Map<String, Object> variables) {
		GraphQLContext context = GraphQLContext.newContext().build();
		CoercedVariables coerced;
		try {
			coerced = ValuesResolver.coerceVariableValues(this.schema, this.operation.variables(),
					RawVariables.of(variables), context, EdgeGraphQlHttpHandler.LOCALE);
		}
		catch (RuntimeException ex) {
			return Mono.just(Optional.empty());
		}
		Run run = new Run(execution, coerced, context);
		return Mono.defer(() -> run.object(this.operation.selections(), null, ResultPath.rootPath())).map((data) -> {
			if (run.unreproducible) {
				return Optional.<Map<String, Object>>empty();
			}
			ExecutionResult result = ExecutionResult.newExecutionResult()
				.data(data)
				.errors(new ArrayList<>(run.errors))
				.build();
			return Optional.of(result.toSpecification());
		});
	}

	/** One request's execution: its variables, errors in completion order. */
	private final class Run {

		private final GraphQlExecution execution;

		private final CoercedVariables variables;

		private final GraphQLContext context;

		private final List<GraphQLError> errors = Collections.synchronizedList(new ArrayList<>());

		private volatile boolean unreproducible;

		Run(GraphQlExecution execution, CoercedVariables variables, GraphQLContext context) {
			this.execution = execution;
			this.variables = variables;
			this.context = context;
		}

		/**
		 * Marks the run as one graphql-java must answer; the other fields still complete,
		 * so every call the query starts finishes (and is reused by graphql-java's run).
		 */
		private Mono<Optional<Object>> unreproducible() {
			this.unreproducible = true;
			return Mono.just(Optional.empty());
		}

		/** The fields of one object, resolved concurrently, written in query order. */
		Mono<Map<String, Object>> object(List<Selection> selections, Object source, ResultPath path) {
			List<Mono<Optional<Object>>> values = new ArrayList<>(selections.size());
			for (Selection selection : selections) {
				values.add(field(selection, source, path.segment(selection.key())));
			}
			return Mono.zip(values, (done) -> {
				Map<String, Object> object = new LinkedHashMap<>(selections.size() * 2);
				for (int i = 0; i < done.length; i++) {
					object.put(selections.get(i).key(), ((Optional<?>) done[i]).orElse(null));
				}
				return object;
			});
		}

		private Mono<Optional<Object>> field(Selection selection, Object source, ResultPath path) {
			Site site = new Site(selection, source, path);
			if (selection.call() != null) {
				return CompiledQuery.this.resolver.fetch(site, selection.call())
					.flatMap((resolved) -> resolved(selection, resolved, path));
			}
			Object value;
			if (selection.reads() != null) {
				value = CompiledQuery.this.resolver.read(site, selection.reads(), selection.load());
			}
			else if (source instanceof Map<?, ?> map) {
				// graphql-java's property fetcher on a map
				value = map.get(selection.name());
			}
			else {
				return unreproducible();
			}
			if (value instanceof Mono<?> mono) {
				return mono.flatMap((resolved) -> resolved(selection, (FieldResolver.Resolved) resolved, path));
			}
			return complete(selection, value, path);
		}

		private Mono<Optional<Object>> resolved(Selection selection, FieldResolver.Resolved resolved, ResultPath path) {
			if (resolved.error() != null) {
				this.errors.add(resolved.error());
			}
			return complete(selection, resolved.data(), path);
		}

		/** graphql-java's value completion for the shapes that compile. */
		private Mono<Optional<Object>> complete(Selection selection, Object value, ResultPath path) {
			if (value == null) {
				return Mono.just(Optional.empty());
			}
			if (selection.list()) {
				if (!(value instanceof List<?> list)) {
					return unreproducible();
				}
				List<Mono<Optional<Object>>> items = new ArrayList<>(list.size());
				for (int i = 0; i < list.size(); i++) {
					items.add(item(selection, list.get(i), path.segment(i)));
				}
				if (items.isEmpty()) {
					return Mono.just(Optional.of(new ArrayList<>()));
				}
				return Mono.zip(items, (done) -> {
					List<Object> completed = new ArrayList<>(done.length);
					for (Object item : done) {
						completed.add(((Optional<?>) item).orElse(null));
					}
					return Optional.of(completed);
				});
			}
			return item(selection, value, path);
		}

		private Mono<Optional<Object>> item(Selection selection, Object value, ResultPath path) {
			if (value == null) {
				return Mono.just(Optional.empty());
			}
			if (selection.scalar() != null) {
				try {
					return Mono.just(Optional.ofNullable(selection.scalar()
						.getCoercing()
						.serialize(value, this.context, EdgeGraphQlHttpHandler.LOCALE)));
				}
				catch (RuntimeException ex) {
					return unreproducible();
				}
			}
			return object(selection.children(), value, path).map(Optional::of);
		}

		/** Where one field of this run is resolved. */
		private final class Site implements FieldResolver.Site {

			private final Selection selection;

			private final Object source;

			private final ResultPath path;

			private Map<String, Object> arguments;

			Site(Selection selection, Object source, ResultPath path) {
				this.selection = selection;
				this.source = source;
				this.path = path;
			}

			@Override
			public Object source() {
				return this.source;
			}

			@Override
			public Map<String, Object> arguments() {
				if (this.arguments == null) {
					this.arguments = ValuesResolver.getArgumentValues(this.selection.definition().getArguments(),
							this.selection.field().getArguments(), Run.this.variables, Run.this.context,
							EdgeGraphQlHttpHandler.LOCALE);
				}
				return this.arguments;
			}

			@Override
			public Object argument(String name) {
				return arguments().get(name);
			}

			@Override
			public String parentType() {
				return this.selection.parentType();
			}

			@Override
			public SourceLocation location() {
				return this.selection.field().getSourceLocation();
			}

			@Override
			public ResultPath path() {
				return this.path;
			}

			@Override
			public GraphQlExecution execution() {
				return Run.this.execution;
			}

		}

	}

}
