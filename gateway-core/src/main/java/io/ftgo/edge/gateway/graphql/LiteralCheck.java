package io.ftgo.edge.gateway.graphql;

import java.util.LinkedHashMap;
import java.util.Map;

import graphql.language.BooleanValue;
import graphql.language.EnumValue;
import graphql.language.FloatValue;
import graphql.language.IntValue;
import graphql.language.ArrayValue;
import graphql.language.NullValue;
import graphql.language.ObjectField;
import graphql.language.ObjectValue;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.language.VariableReference;
import graphql.schema.GraphQLEnumType;
import graphql.schema.GraphQLInputObjectField;
import graphql.schema.GraphQLInputObjectType;
import graphql.schema.GraphQLInputType;
import graphql.schema.GraphQLList;
import graphql.schema.GraphQLNonNull;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLTypeUtil;

/**
 * Checks a literal of the document (an argument or a default value) against its declared
 * input type, in the edge's words ({@link InputCheck}).
 */
final class LiteralCheck {

	private LiteralCheck() {
	}

	/**
	 * Checks a literal of the document (an argument or a default value) against an input
	 * type. Variables inside it are graphql-java's to check (their messages name GraphQL
	 * types only).
	 * @param schema the schema
	 * @param type the declared type
	 * @param value the literal
	 * @param path where the value is
	 * @return what does not fit, or {@code null}
	 */
	static InputCheck.Problem literal(GraphQLSchema schema, GraphQLInputType type, Value<?> value, String path) {
		if (value instanceof VariableReference) {
			return null;
		}
		if (type instanceof GraphQLNonNull nonNull) {
			if (value == null || value instanceof NullValue) {
				return new InputCheck.Problem(path, GraphQLTypeUtil.simplePrint(type), "null");
			}
			return InputCheck.nonNull(nonNull,
					literal(schema, (GraphQLInputType) nonNull.getWrappedType(), value, path), path);
		}
		if (value == null || value instanceof NullValue) {
			return null;
		}
		if (type instanceof GraphQLList list) {
			GraphQLInputType item = (GraphQLInputType) list.getWrappedType();
			if (value instanceof ArrayValue values) {
				for (int i = 0; i < values.getValues().size(); i++) {
					InputCheck.Problem problem = literal(schema, item, values.getValues().get(i), path + "[" + i + "]");
					if (problem != null) {
						return problem;
					}
				}
				return null;
			}
			return literal(schema, item, value, path);
		}
		if (type instanceof GraphQLInputObjectType object) {
			if (!(value instanceof ObjectValue objectValue)) {
				return new InputCheck.Problem(path, object.getName(), InputCheck.kind(value));
			}
			Map<String, Value<?>> given = new LinkedHashMap<>();
			for (ObjectField field : objectValue.getObjectFields()) {
				if (object.getField(field.getName()) == null) {
					return new InputCheck.Problem(path + "." + field.getName(), "one of the fields of "
							+ object.getName() + " "
							+ object.getFieldDefinitions().stream().map(GraphQLInputObjectField::getName).toList(),
							"an unknown field");
				}
				given.put(field.getName(), field.getValue());
			}
			for (GraphQLInputObjectField field : object.getFieldDefinitions()) {
				String at = path + "." + field.getName();
				if (given.containsKey(field.getName())) {
					InputCheck.Problem problem = literal(schema, field.getType(), given.get(field.getName()), at);
					if (problem != null) {
						return problem;
					}
				}
				else if (field.getType() instanceof GraphQLNonNull && !field.hasSetDefaultValue()) {
					return new InputCheck.Problem(at, GraphQLTypeUtil.simplePrint(field.getType()), "no value");
				}
			}
			return null;
		}
		if (type instanceof GraphQLEnumType enumType) {
			if (value instanceof EnumValue enumValue && enumType.getValue(enumValue.getName()) != null) {
				return null;
			}
			return new InputCheck.Problem(path, enumType.getName() + " (one of " + InputCheck.enumNames(enumType) + ")",
					InputCheck.kind(value));
		}
		if (type instanceof GraphQLScalarType scalar) {
			boolean fits = switch (scalar.getName()) {
				case "Int" -> value instanceof IntValue i && i.getValue().compareTo(InputCheck.INT_MIN) >= 0
						&& i.getValue().compareTo(InputCheck.INT_MAX) <= 0;
				case "Float" -> value instanceof IntValue || value instanceof FloatValue;
				case "String" -> value instanceof StringValue;
				case "Boolean" -> value instanceof BooleanValue;
				case "ID" -> value instanceof StringValue || value instanceof IntValue;
				default -> true; // a custom scalar: graphql-java checks it
			};
			if (fits) {
				return null;
			}
			String given = (scalar.getName().equals("Int") && value instanceof IntValue)
					? "an integer outside the Int range" : InputCheck.kind(value);
			return new InputCheck.Problem(path, scalar.getName(), given);
		}
		return null;
	}

}
