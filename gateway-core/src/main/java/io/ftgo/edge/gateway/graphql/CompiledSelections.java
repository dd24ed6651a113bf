package io.ftgo.edge.gateway.graphql;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import graphql.language.Definition;
import graphql.language.Document;
import graphql.language.OperationDefinition;
import graphql.language.SelectionSet;
import graphql.language.VariableDefinition;
import graphql.schema.DataFetcher;
import graphql.schema.FieldCoordinates;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLList;
import graphql.schema.GraphQLNonNull;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLOutputType;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLSchema;
import graphql.schema.PropertyDataFetcher;
import graphql.schema.SingletonPropertyDataFetcher;

import io.ftgo.edge.gateway.graphql.GraphQlFields.Field;

/**
 * Compiles a document's operation into the field tree the compiled executor runs, or says
 * why it must run on graphql-java. Only shapes whose answer the compiled executor writes
 * exactly as graphql-java would compile (decided once per document):
 * <ul>
 * <li>a valid document (graphql-java's own validation) with one query operation and no
 * fragment definitions;</li>
 * <li>only plain fields: no fragment spreads or inline fragments, no directives, no
 * {@code __typename} or introspection, no response key selected twice (no merging);</li>
 * <li>no non-null output type anywhere (no null propagation), lists of one level, leaves
 * of scalar types (no enums), objects of object types (no interfaces or unions);</li>
 * <li>root fields of a type the edge configures; fields of types it does not configure
 * read by graphql-java's property fetcher.</li>
 * </ul>
 */
final class CompiledSelections {

	/** The compiled operation: its variable definitions and root fields. */
	record Operation(List<VariableDefinition> variables, List<Selection> selections) {
	}

	/**
	 * One field: the call that resolves it (a configured field with a call), or the
	 * property paths it reads (a field of a configured type, with the type's
	 * {@code load}), or neither (graphql-java's property fetcher on a map).
	 */
	record Selection(String key, String name, graphql.language.Field field, GraphQLFieldDefinition definition,
			String parentType, Field call, String[] reads, Field load, boolean list, GraphQLScalarType scalar,
			List<Selection> children) {
	}

	/** A compiled operation, or the reason the document runs on graphql-java. */
	record Result(Operation operation, String fallback) {

		static Result fallback(String reason) {
			return new Result(null, reason);
		}

	}

	private static final class NotCompiled extends RuntimeException {

		NotCompiled(String reason) {
			super(reason, null, false, false);
		}

	}

	private final GraphQLSchema schema;

	private final GraphQlFields fields;

	CompiledSelections(GraphQLSchema schema, GraphQlFields fields) {
		this.schema = schema;
		this.fields = fields;
	}

	Result compile(Document document, String operationName) {
		OperationDefinition operation = null;
		int operations = 0;
		for (Definition<?> definition : document.getDefinitions()) {
			if (!(definition instanceof OperationDefinition candidate)) {
				return Result.fallback("fragment definitions");
			}
			operations++;
			if (operationName == null || operationName.equals(candidate.getName())) {
				operation = candidate;
			}
		}
		if (operation == null || (operationName == null && operations != 1)) {
			return Result.fallback("no single operation to run");
		}
		if (operation.getOperation() != OperationDefinition.Operation.QUERY) {
			return Result.fallback("not a query");
		}
		if (!operation.getDirectives().isEmpty()) {
			return Result.fallback("directives");
		}
		if (!graphql.ParseAndValidate.validate(this.schema, document, EdgeGraphQlHttpHandler.LOCALE).isEmpty()) {
			return Result.fallback("not valid");
		}
		GraphQLObjectType root = this.schema.getQueryType();
		if (!this.fields.configured(root.getName())) {
			return Result.fallback("root type not configured");
		}
		try {
			return new Result(
					new Operation(operation.getVariableDefinitions(), selections(root, operation.getSelectionSet())),
					null);
		}
		catch (NotCompiled ex) {
			return Result.fallback(ex.getMessage());
		}
	}

	private List<Selection> selections(GraphQLObjectType parent, SelectionSet set) {
		if (set == null || set.getSelections().isEmpty()) {
			throw new NotCompiled("object without selections");
		}
		List<Selection> selections = new ArrayList<>();
		Set<String> keys = new HashSet<>();
		for (graphql.language.Selection<?> selection : set.getSelections()) {
			if (!(selection instanceof graphql.language.Field field)) {
				throw new NotCompiled("fragments");
			}
			if (!field.getDirectives().isEmpty()) {
				throw new NotCompiled("directives");
			}
			if (field.getName().startsWith("__")) {
				throw new NotCompiled("introspection or __typename");
			}
			String key = field.getResultKey();
			if (!keys.add(key)) {
				throw new NotCompiled("a response key selected twice");
			}
			selections.add(selection(parent, field, key));
		}
		return selections;
	}

	private Selection selection(GraphQLObjectType parent, graphql.language.Field field, String key) {
		GraphQLFieldDefinition definition = parent.getFieldDefinition(field.getName());
		if (definition == null) {
			throw new NotCompiled("unknown field");
		}
		String type = parent.getName();
		Field call = null;
		String[] reads = null;
		Field load = null;
		if (this.fields.configured(type)) {
			Field configured = this.fields.field(type, field.getName());
			if (configured != null && configured.definition().calls()) {
				call = configured;
			}
			else {
				String path = (configured != null && configured.definition().path() != null)
						? configured.definition().path() : field.getName();
				reads = path.split("\\|");
				load = this.fields.load(type);
			}
		}
		else if (!propertyFetcher(this.schema.getCodeRegistry()
			.getDataFetcher(FieldCoordinates.coordinates(parent, definition), definition), field.getName())) {
			throw new NotCompiled("a field with a fetcher of its own");
		}
		GraphQLOutputType output = definition.getType();
		boolean list = false;
		if (output instanceof GraphQLList wrapped) {
			list = true;
			output = (GraphQLOutputType) wrapped.getWrappedType();
		}
		if (output instanceof GraphQLNonNull || output instanceof GraphQLList) {
			throw new NotCompiled("non-null types or nested lists");
		}
		if (output instanceof GraphQLScalarType scalar) {
			return new Selection(key, field.getName(), field, definition, type, call, reads, load, list, scalar,
					List.of());
		}
		if (output instanceof GraphQLObjectType object) {
			return new Selection(key, field.getName(), field, definition, type, call, reads, load, list, null,
					selections(object, field.getSelectionSet()));
		}
		throw new NotCompiled("enums, interfaces or unions");
	}

	/** graphql-java's property fetcher of the field's own name (a map's entry). */
	private static boolean propertyFetcher(DataFetcher<?> fetcher, String name) {
		return fetcher instanceof SingletonPropertyDataFetcher<?>
				|| (fetcher instanceof PropertyDataFetcher<?> property && name.equals(property.getPropertyName()));
	}

}
