package io.ftgo.edge.gateway.graphql;

import java.util.Map;

import graphql.execution.DataFetcherResult;
import graphql.execution.ResultPath;
import graphql.language.ObjectTypeDefinition;
import graphql.language.SourceLocation;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLObjectType;
import graphql.schema.idl.FieldWiringEnvironment;
import graphql.schema.idl.WiringFactory;
import reactor.core.publisher.Mono;

import io.ftgo.edge.gateway.graphql.GraphQlFields.Field;

/**
 * The graphql-java path: wires every configured field to a fetcher that resolves it with
 * the {@link FieldResolver} (the same resolution the compiled executor uses), and the
 * other fields of configured types to a reader of the parent's value that loads the whole
 * object (the type's {@code load}) when the field is missing.
 */
final class EdgeDataFetchers implements WiringFactory {

	private final FieldResolver resolver;

	EdgeDataFetchers(FieldResolver resolver) {
		this.resolver = resolver;
	}

	@Override
	public boolean providesDataFetcher(FieldWiringEnvironment environment) {
		String type = typeName(environment);
		return type != null && this.resolver.fields().configured(type);
	}

	@Override
	public DataFetcher<?> getDataFetcher(FieldWiringEnvironment environment) {
		String type = typeName(environment);
		String name = environment.getFieldDefinition().getName();
		Field field = this.resolver.fields().field(type, name);
		if (field != null && field.definition().calls()) {
			return (env) -> this.resolver.fetch(new EnvSite(env), field).map(EdgeDataFetchers::result);
		}
		String path = (field != null && field.definition().path() != null) ? field.definition().path() : name;
		return new PropertyReader(path.split("\\|"), this.resolver.fields().load(type));
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

		PropertyReader(String[] paths, Field load) {
			this.paths = paths;
			this.load = load;
		}

		@Override
		public Object get(DataFetchingEnvironment env) {
			Object value = EdgeDataFetchers.this.resolver.read(new EnvSite(env), this.paths, this.load);
			if (value instanceof Mono<?> mono) {
				return mono.map((resolved) -> result((FieldResolver.Resolved) resolved)).toFuture();
			}
			return value;
		}

	}

	private static DataFetcherResult<Object> result(FieldResolver.Resolved resolved) {
		DataFetcherResult.Builder<Object> builder = DataFetcherResult.newResult().data(resolved.data());
		if (resolved.error() != null) {
			builder.error(resolved.error());
		}
		return builder.build();
	}

	private static String typeName(FieldWiringEnvironment environment) {
		return (environment.getParentType() instanceof ObjectTypeDefinition object) ? object.getName() : null;
	}

	/** A field of graphql-java's execution. */
	private record EnvSite(DataFetchingEnvironment env) implements FieldResolver.Site {

		@Override
		public Object source() {
			return this.env.getSource();
		}

		@Override
		public Map<String, Object> arguments() {
			return this.env.getArguments();
		}

		@Override
		public Object argument(String name) {
			return this.env.getArgument(name);
		}

		@Override
		public String parentType() {
			return (this.env.getParentType() instanceof GraphQLObjectType o) ? o.getName() : null;
		}

		@Override
		public SourceLocation location() {
			return this.env.getField().getSourceLocation();
		}

		@Override
		public ResultPath path() {
			return this.env.getExecutionStepInfo().getPath();
		}

		@Override
		public GraphQlExecution execution() {
			GraphQlExecution execution = this.env.getGraphQlContext().get(GraphQlExecution.KEY);
			if (execution == null) {
				throw new IllegalStateException("GraphQL request without edge context");
			}
			return execution;
		}

	}

}
