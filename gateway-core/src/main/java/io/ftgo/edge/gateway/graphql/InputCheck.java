package io.ftgo.edge.gateway.graphql;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import graphql.GraphQLContext;
import graphql.language.BooleanValue;
import graphql.language.EnumValue;
import graphql.language.FloatValue;
import graphql.language.IntValue;
import graphql.language.ArrayValue;
import graphql.language.NullValue;
import graphql.language.ObjectValue;
import graphql.language.StringValue;
import graphql.language.VariableDefinition;
import graphql.schema.GraphQLEnumType;
import graphql.schema.GraphQLInputObjectField;
import graphql.schema.GraphQLInputObjectType;
import graphql.schema.GraphQLInputType;
import graphql.schema.GraphQLList;
import graphql.schema.GraphQLNonNull;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLType;
import graphql.schema.GraphQLTypeUtil;

/**
 * Checks argument literals and variable values against their declared types before
 * graphql-java coerces them, and says what is wrong in the edge's words: which argument
 * or variable (and where inside it), the GraphQL type expected, and what kind of value
 * was given ({@code a string}, {@code an object}, ...). graphql-java's own messages for
 * these cases name Java or AST classes ({@code LinkedHashMap}, {@code StringValue}),
 * which must not leave the process. Strict like graphql-java: a string is not an
 * {@code Int}, a number is not a {@code String}. Literals of the document:
 * {@link LiteralCheck}.
 */
final class InputCheck {

	static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);

	static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);

	private InputCheck() {
	}

	/**
	 * What does not fit.
	 *
	 * @param path where: the argument or variable, then fields and list indexes
	 * @param expected the GraphQL type expected there, e.g. {@code Int!}
	 * @param given what was given, e.g. {@code an object}
	 */
	record Problem(String path, String expected, String given) {
	}

	/**
	 * The error a client gets: a message and its {@code extensions} details.
	 *
	 * @param message the message
	 * @param details {@code argument}/{@code field} or {@code variable},
	 * {@code expected}, {@code given}
	 */
	record Error(String message, Map<String, Object> details) {
	}

	static Error argumentError(String field, Problem problem) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("field", field);
		details.put("argument", problem.path());
		details.put("expected", problem.expected());
		details.put("given", problem.given());
		return new Error("Argument '" + problem.path() + "' of field '" + field + "' expects " + problem.expected()
				+ ", got " + problem.given(), details);
	}

	static Error variableError(Problem problem) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("variable", problem.path());
		details.put("expected", problem.expected());
		details.put("given", problem.given());
		return new Error(
				"Variable '$" + problem.path() + "' expects " + problem.expected() + ", got " + problem.given(),
				details);
	}

	/**
	 * The first variable whose value (or default) does not fit its declared type.
	 * @param schema the schema
	 * @param definitions the operation's variable definitions
	 * @param values the request's variables
	 * @return the error, or {@code null}
	 */
	static Error variables(GraphQLSchema schema, List<VariableDefinition> definitions, Map<String, Object> values) {
		for (VariableDefinition definition : definitions) {
			GraphQLType type = type(schema, definition.getType());
			if (!(type instanceof GraphQLInputType input)
					|| !(GraphQLTypeUtil.unwrapAll(type) instanceof GraphQLInputType)) {
				continue; // an unknown or output type: graphql-java's validation names it
			}
			String name = definition.getName();
			Problem problem;
			if (definition.getDefaultValue() != null) {
				problem = LiteralCheck.literal(schema, input, definition.getDefaultValue(), name);
				if (problem != null) {
					return variableError(new Problem(name + " (default value)", problem.expected(), problem.given()));
				}
			}
			if (values.containsKey(name)) {
				problem = json(input, values.get(name), name);
			}
			else {
				problem = (type instanceof GraphQLNonNull && definition.getDefaultValue() == null)
						? new Problem(name, GraphQLTypeUtil.simplePrint(type), "no value") : null;
			}
			if (problem != null) {
				return variableError(problem);
			}
		}
		return null;
	}

	/** A variable's declared type, or {@code null} when the schema has no such type. */
	private static GraphQLType type(GraphQLSchema schema, graphql.language.Type<?> type) {
		if (type instanceof graphql.language.NonNullType nonNull) {
			GraphQLType inner = type(schema, nonNull.getType());
			return (inner != null) ? GraphQLNonNull.nonNull(inner) : null;
		}
		if (type instanceof graphql.language.ListType list) {
			GraphQLType inner = type(schema, list.getType());
			return (inner != null) ? GraphQLList.list(inner) : null;
		}
		return (type instanceof graphql.language.TypeName name) ? schema.getType(name.getName()) : null;
	}

	/**
	 * Checks a JSON value (a variable) against an input type.
	 * @param type the declared type
	 * @param value the JSON value (maps, lists, strings, numbers, booleans, null)
	 * @param path where the value is
	 * @return what does not fit, or {@code null}
	 */
	static Problem json(GraphQLInputType type, Object value, String path) {
		if (type instanceof GraphQLNonNull nonNull) {
			if (value == null) {
				return new Problem(path, GraphQLTypeUtil.simplePrint(type), "null");
			}
			return nonNull(nonNull, json((GraphQLInputType) nonNull.getWrappedType(), value, path), path);
		}
		if (value == null) {
			return null;
		}
		if (type instanceof GraphQLList list) {
			GraphQLInputType item = (GraphQLInputType) list.getWrappedType();
			if (value instanceof List<?> values) {
				for (int i = 0; i < values.size(); i++) {
					Problem problem = json(item, values.get(i), path + "[" + i + "]");
					if (problem != null) {
						return problem;
					}
				}
				return null;
			}
			return json(item, value, path); // a single value is a list of one
		}
		if (type instanceof GraphQLInputObjectType object) {
			if (!(value instanceof Map<?, ?> map)) {
				return new Problem(path, object.getName(), kind(value));
			}
			for (Object key : map.keySet()) {
				if (object.getField(String.valueOf(key)) == null) {
					return new Problem(path + "." + key, "one of the fields of " + object.getName() + " "
							+ object.getFieldDefinitions().stream().map(GraphQLInputObjectField::getName).toList(),
							"an unknown field");
				}
			}
			for (GraphQLInputObjectField field : object.getFieldDefinitions()) {
				String at = path + "." + field.getName();
				if (map.containsKey(field.getName())) {
					Problem problem = json(field.getType(), map.get(field.getName()), at);
					if (problem != null) {
						return problem;
					}
				}
				else if (field.getType() instanceof GraphQLNonNull && !field.hasSetDefaultValue()) {
					return new Problem(at, GraphQLTypeUtil.simplePrint(field.getType()), "no value");
				}
			}
			return null;
		}
		if (type instanceof GraphQLEnumType enumType) {
			if (value instanceof String name && enumType.getValue(name) != null) {
				return null;
			}
			return new Problem(path, enumType.getName() + " (one of " + enumNames(enumType) + ")", kind(value));
		}
		if (type instanceof GraphQLScalarType scalar) {
			return scalarJson(scalar, value, path);
		}
		return null;
	}

	private static Problem scalarJson(GraphQLScalarType scalar, Object value, String path) {
		boolean fits = switch (scalar.getName()) {
			case "Int" -> integral(value) != null && integral(value).compareTo(INT_MIN) >= 0
					&& integral(value).compareTo(INT_MAX) <= 0;
			case "Float" -> value instanceof Number number && Double.isFinite(number.doubleValue());
			case "String" -> value instanceof String;
			case "Boolean" -> value instanceof Boolean;
			case "ID" -> value instanceof String || (integral(value) != null && !(value instanceof Double)
					&& !(value instanceof Float) && !(value instanceof BigDecimal));
			default -> custom(scalar, value);
		};
		if (fits) {
			return null;
		}
		String given = kind(value);
		if (scalar.getName().equals("Int") && integral(value) != null) {
			given = "an integer outside the Int range";
		}
		return new Problem(path, scalar.getName(), given);
	}

	private static boolean custom(GraphQLScalarType scalar, Object value) {
		try {
			scalar.getCoercing().parseValue(value, GraphQLContext.getDefault(), Locale.ENGLISH);
			return true;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/** The value as an integer, when it is a whole number. */
	private static BigInteger integral(Object value) {
		if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
			return BigInteger.valueOf(((Number) value).longValue());
		}
		if (value instanceof BigInteger big) {
			return big;
		}
		if (value instanceof Number number && !(value instanceof Double d && !Double.isFinite(d))
				&& !(value instanceof Float f && !Float.isFinite(f))) {
			try {
				return new BigDecimal(number.toString()).toBigIntegerExact();
			}
			catch (ArithmeticException | NumberFormatException ex) {
				return null;
			}
		}
		return null;
	}

	/** A problem of the value itself names the declared type, {@code Int!}. */
	static Problem nonNull(GraphQLNonNull type, Problem problem, String path) {
		if (problem != null && problem.path().equals(path)
				&& problem.expected().equals(GraphQLTypeUtil.simplePrint(type.getWrappedType()))) {
			return new Problem(path, GraphQLTypeUtil.simplePrint(type), problem.given());
		}
		return problem;
	}

	static List<String> enumNames(GraphQLEnumType type) {
		return type.getValues().stream().map((v) -> v.getName()).toList();
	}

	/** What kind of JSON value or literal was given, in GraphQL words. */
	static String kind(Object value) {
		if (value == null || value instanceof NullValue) {
			return "null";
		}
		if (value instanceof String || value instanceof StringValue) {
			return "a string";
		}
		if (value instanceof Boolean || value instanceof BooleanValue) {
			return "a boolean";
		}
		if (value instanceof IntValue) {
			return "an integer";
		}
		if (value instanceof FloatValue) {
			return "a number";
		}
		if (value instanceof Number) {
			return (integral(value) != null) ? "an integer" : "a number";
		}
		if (value instanceof EnumValue enumValue) {
			return "the enum value " + enumValue.getName();
		}
		if (value instanceof List<?> || value instanceof ArrayValue) {
			return "a list";
		}
		if (value instanceof Map<?, ?> || value instanceof ObjectValue) {
			return "an object";
		}
		return "a value of another kind";
	}

}
