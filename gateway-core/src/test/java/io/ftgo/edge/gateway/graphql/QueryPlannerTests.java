package io.ftgo.edge.gateway.graphql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLError;
import graphql.parser.Parser;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import org.junit.jupiter.api.Test;

import io.ftgo.edge.gateway.graphql.EdgeGraphQlProperties.FieldDefinition;
import io.ftgo.edge.gateway.graphql.EdgeGraphQlProperties.TypeDefinition;
import io.ftgo.edge.security.config.InvalidEdgeConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The planner's work is bounded by the document, never by what fragment expansion would
 * make of it, and refuses at the first unit over {@code max-work}. Every claim counts
 * units (work units counted, nodes the planner touched), never time.
 */
class QueryPlannerTests {

	static final String SDL = """
			type Query { order(orderId: Int!): Order  orders(first: Int): [Order]  create(input: OrderInput): Order }
			type Order { orderId: Int  state: String  next: Order  restaurant: Restaurant  kind: Kind }
			type Restaurant { name: String }
			enum Kind { PICKUP DELIVERY }
			input OrderInput { restaurantId: Int!  kind: Kind  items: [ItemInput!] }
			input ItemInput { menuItemId: Int!  quantity: Int! }
			""";

	static final GraphQLSchema SCHEMA = new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(SDL),
			RuntimeWiring.newRuntimeWiring().build());

	/** Class names graphql-java's messages can carry (Java and AST). */
	static final Pattern CLASS_NAMES = Pattern
		.compile("LinkedHashMap|HashMap|ArrayList|Integer|BigDecimal|BigInteger|java\\.|'Map'|'Field'|'Long'|'Double'"
				+ "|StringValue|IntValue|FloatValue|BooleanValue|ObjectValue|ArrayValue|EnumValue|NullValue|\\{value=");

	static QueryPlanner planner(int maxWork) {
		FieldDefinition order = new FieldDefinition("order", "/orders/{args.orderId}", null, null, null, null, null,
				null, null, null, null, null, null, null);
		FieldDefinition orders = new FieldDefinition("order", "/orders", null, null, null, null, null, null, null, null,
				null, null, null, null);
		FieldDefinition restaurant = new FieldDefinition("restaurant", "/restaurants/1", null, null, null, null, null,
				null, null, null, null, null, null, null);
		Map<String, TypeDefinition> types = new LinkedHashMap<>();
		types.put("Query", new TypeDefinition(null, Map.of("order", order, "orders", orders)));
		types.put("Order", new TypeDefinition(null, Map.of("restaurant", restaurant)));
		EdgeGraphQlProperties properties = new EdgeGraphQlProperties(null, null, null, maxWork, null, null, null, null,
				null, null, null, null, types, null);
		return new QueryPlanner(new GraphQlFields(properties, null), properties, Map.of());
	}

	static QueryPlan plan(int maxWork, String document, Map<String, Object> variables) {
		return planner(maxWork).plan(SCHEMA, Parser.parse(document), null, variables);
	}

	/**
	 * {@code levels} fragments, each spreading the next under {@code width} aliases: the
	 * last one's fields are reached {@code width^levels} times.
	 */
	static String exponential(int levels, int width) {
		StringBuilder document = new StringBuilder("query { order(orderId: 1) { ...F0 } }\n");
		for (int i = 0; i < levels; i++) {
			document.append("fragment F").append(i).append(" on Order {");
			for (int a = 0; a < width; a++) {
				document.append(" a").append(a).append(": next { ...F").append(i + 1).append(" }");
			}
			document.append(" }\n");
		}
		document.append("fragment F").append(levels).append(" on Order { orderId state restaurant { name } }\n");
		return document.toString();
	}

	@Test
	void exponentialFragments_refusedAtTheFirstUnitOver_workAndEffortBoundedByTheDocument() {
		String document = exponential(10, 8); // 8^10 paths: about 5e9 fields once
												// expanded
		int maxWork = 2000;

		QueryPlan plan = plan(maxWork, document, Map.of());

		assertThat(plan.tooLarge).isTrue();
		assertThat(plan.work).isGreaterThan(maxWork).isLessThanOrEqualTo(maxWork + document.length());
		// The planner touched each node of the document at most once, not once per path.
		assertThat(plan.steps).isLessThanOrEqualTo(document.length());
		assertThat(plan.planned).isEmpty();
	}

	@Test
	void fragmentsSpreadManyTimes_withinTheBound_plannedLikeTheirExpansion() {
		String document = exponential(3, 3); // 27 paths
		String expanded = "query { order(orderId: 1) { " + expand(3, 0) + " } }";

		QueryPlan fromFragments = plan(100_000, document, Map.of());
		QueryPlan fromExpansion = plan(100_000, expanded, Map.of());

		assertThat(fromFragments.tooLarge).isFalse();
		assertThat(fromFragments.cost).isEqualTo(fromExpansion.cost);
		assertThat(fromFragments.calls).isEqualTo(fromExpansion.calls).isEqualTo(1 + 27);
		assertThat(fromFragments.depth).isEqualTo(fromExpansion.depth).isEqualTo(6);
		// Spreads and fragment definitions are work too: the fragments cost a little
		// more.
		assertThat(fromFragments.work).isGreaterThanOrEqualTo(fromExpansion.work);
	}

	static String expand(int levels, int level) {
		if (level == levels) {
			return "orderId state restaurant { name }";
		}
		String inner = expand(levels, level + 1);
		return "a0: next { " + inner + " } a1: next { " + inner + " } a2: next { " + inner + " }";
	}

	@Test
	void workCounted_unitByUnit_refusedOnlyPastTheBound() {
		// order, orderId, state, restaurant, name: 5 fields; @include: 1 directive
		String document = "{ order(orderId: 1) { orderId state @include(if: true) restaurant { name } } }";

		assertThat(plan(6, document, Map.of()).tooLarge).isFalse();
		assertThat(plan(6, document, Map.of()).work).isEqualTo(6);
		QueryPlan refused = plan(5, document, Map.of());
		assertThat(refused.tooLarge).isTrue();
		assertThat(refused.work).isEqualTo(6);
	}

	@Test
	void variables_areWorkToo() {
		String document = "query($input: OrderInput) { create(input: $input) { orderId } }";
		List<Object> items = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			items.add(Map.of("menuItemId", i, "quantity", 1));
		}
		Map<String, Object> variables = Map.of("input", Map.of("restaurantId", 1, "items", items));

		// 1 variable definition + 2 fields; the value: 1 object, its 2 entries, 100
		// items of 2 values each.
		assertThat(plan(10_000, document, variables).work).isEqualTo(3 + 1 + 2 + 100 * 3);
		assertThat(plan(100, document, variables).tooLarge).isTrue();
	}

	@Test
	void aliasesAndRepeatedFields_mergedBeforePlanning() {
		QueryPlan repeated = plan(1000, """
				{ order(orderId: 1) { state state ... on Order { state restaurant { name } } restaurant { name } }
				  order(orderId: 1) { orderId } }
				""", Map.of());
		QueryPlan once = plan(1000, "{ order(orderId: 1) { state restaurant { name } orderId } }", Map.of());

		assertThat(repeated.cost).isEqualTo(once.cost);
		assertThat(repeated.calls).isEqualTo(once.calls).isEqualTo(2);
		assertThat(repeated.planned).hasSameSizeAs(once.planned);
	}

	@Test
	void fragmentChain_refusedTooDeep_atTheFirstLevelOver() {
		// A thousand fragments each spreading the next: one field deep, but
		// graphql-java's
		// validation recurses once per fragment and overflows its stack.
		StringBuilder document = new StringBuilder("{ order(orderId: 1) { ...F0 } }\n");
		for (int i = 0; i < 1000; i++) {
			document.append("fragment F").append(i).append(" on Order { ...F").append(i + 1).append(" }\n");
		}
		document.append("fragment F1000 on Order { orderId }\n");
		QueryPlanner planner = planner(100_000);

		QueryPlan plan = planner.plan(SCHEMA, Parser.parse(document.toString()), null, Map.of());

		assertThat(planner.maxNesting()).isEqualTo(32);
		assertThat(plan.tooDeep).isTrue();
		assertThat(plan.nesting).isEqualTo(33);
		// Each definition indexed once, then the walk stopped at level 33.
		assertThat(plan.steps).isLessThan(1002 + 100);

		// Fragments a few levels deep are fine.
		assertThat(plan(1000, "{ order(orderId: 1) { ...A } } fragment A on Order { ... on Order { next { ...B } } }"
				+ " fragment B on Order { orderId }", Map.of()).tooDeep)
			.isFalse();
	}

	@Test
	void fragmentCycle_invalid_notExpanded() {
		QueryPlan plan = plan(1000, """
				{ order(orderId: 1) { ...A } }
				fragment A on Order { next { ...B } }
				fragment B on Order { next { ...A } }
				""", Map.of());

		assertThat(plan.invalid).isTrue();
		assertThat(plan.invalidReason).contains("spreads itself");
	}

	@Test
	void wrongTypeVariable_edgeWords_noJavaClass() {
		String document = "query($id: Int!) { order(orderId: $id) { orderId } }";

		QueryPlan plan = plan(1000, document, Map.of("id", Map.of("a", 1)));

		assertThat(plan.inputError.message()).isEqualTo("Variable '$id' expects Int!, got an object")
			.doesNotContainPattern(CLASS_NAMES);
		assertThat(plan.inputError.details()).containsEntry("variable", "id")
			.containsEntry("expected", "Int!")
			.containsEntry("given", "an object");
		assertThat(plan(1000, document, Map.of("id", "7001")).inputError.message())
			.isEqualTo("Variable '$id' expects Int!, got a string");
		assertThat(plan(1000, document, Map.of()).inputError.message())
			.isEqualTo("Variable '$id' expects Int!, got no value");
		assertThat(plan(1000, document, Map.of("id", 7001)).inputError).isNull();
	}

	@Test
	void wrongTypeInputs_nestedAndLiteral_edgeWords() {
		String mutation = "query($input: OrderInput) { create(input: $input) { orderId } }";
		assertThat(plan(1000, mutation, Map.of("input", "x")).inputError.message())
			.isEqualTo("Variable '$input' expects OrderInput, got a string");
		assertThat(plan(1000, mutation,
				Map.of("input",
						Map.of("restaurantId", 1, "items",
								List.of(Map.of("menuItemId", 1, "quantity", "2"))))).inputError
			.message()).isEqualTo("Variable '$input.items[0].quantity' expects Int!, got a string");
		assertThat(
				plan(1000, mutation, Map.of("input", Map.of("restaurantId", 1, "kind", "BOAT"))).inputError.message())
			.isEqualTo("Variable '$input.kind' expects Kind (one of [PICKUP, DELIVERY]), got a string");
		assertThat(plan(1000, mutation, Map.of("input", Map.of("restaurantId", 1, "extra", 1))).inputError.message())
			.startsWith("Variable '$input.extra' expects one of the fields of OrderInput");

		assertThat(plan(1000, "{ order(orderId: \"7001\") { orderId } }", Map.of()).inputError.message())
			.isEqualTo("Argument 'orderId' of field 'Query.order' expects Int!, got a string");
		assertThat(plan(1000, "{ create(input: { restaurantId: 1, items: [{ menuItemId: 1 }] }) { orderId } }",
				Map.of()).inputError
			.message())
			.isEqualTo("Argument 'input.items[0].quantity' of field 'Query.create' expects Int!, got no value");
		assertThat(plan(1000, "query($id: Int = \"x\") { order(orderId: $id) { orderId } }", Map.of()).inputError
			.message()).isEqualTo("Variable '$id (default value)' expects Int, got a string");
	}

	@Test
	void unknownOrOutputVariableType_leftToGraphQlJavasValidation() {
		assertThat(plan(1000, "query($x: Nope!) { order(orderId: 1) { orderId } }", Map.of("x", 1)).inputError)
			.isNull();
		assertThat(plan(1000, "query($x: [Order]) { order(orderId: 1) { orderId } }", Map.of("x", 1)).inputError)
			.isNull();
	}

	/**
	 * The net behind the edge's own checks: every graphql-java message that can carry a
	 * class name, produced by graphql-java itself, comes out in the edge's words.
	 */
	@Test
	void graphQlJavasMessages_rewritten_noClassNames() {
		GraphQL graphQl = GraphQL.newGraphQL(SCHEMA).build();
		Map<String, Map<String, Object>> cases = new LinkedHashMap<>();
		cases.put("query($id: Int!) { order(orderId: $id) { orderId } }", Map.of("id", Map.of("a", 1)));
		cases.put("query($id: Int!) { order(orderId: $id) { orderId } } ", Map.of("id", List.of(1, 2)));
		cases.put("query($i: OrderInput) { create(input: $i) { orderId } }", Map.of("i", "x"));
		cases.put("query($i: OrderInput) { create(input: $i) { orderId } } ",
				Map.of("i", Map.of("restaurantId", 1, "extra", 1)));
		cases.put("{ order(orderId: \"x\") { orderId } }", Map.of());
		cases.put("{ create(input: { restaurantId: \"1\" }) { orderId } }", Map.of());
		cases.put("{ create(input: { restaurantId: 1, kind: \"PICKUP\" }) { orderId } }", Map.of());
		cases.put("query($id: Int = \"x\") { order(orderId: $id) { orderId } }", Map.of());
		cases.put("query($o: OrderInput = { restaurantId: true }) { create(input: $o) { orderId } }", Map.of());
		cases.put("{ order(orderId: 1) { orderId @skip(if: false) @skip(if: false) } }", Map.of());
		List<String> seen = new ArrayList<>();
		cases.forEach((query, variables) -> {
			ExecutionResult result = graphQl.execute(ExecutionInput.newExecutionInput(query)
				.variables(variables)
				.locale(EdgeGraphQlHttpHandler.LOCALE)
				.build());
			assertThat(result.getErrors()).as(query).isNotEmpty();
			for (GraphQLError error : result.getErrors()) {
				seen.add(error.getMessage());
				assertThat(GraphQlErrors.message(error.getMessage())).as(error.getMessage())
					.doesNotContainPattern(CLASS_NAMES)
					.doesNotStartWith("Validation error");
			}
		});
		// graphql-java's own words would have leaked class names.
		assertThat(seen).anyMatch((message) -> CLASS_NAMES.matcher(message).find());
	}

	@Test
	void maxWork_validatedAtStartUp_namingTheKey() {
		EdgeGraphQlProperties zero = new EdgeGraphQlProperties(null, null, null, 0, null, null, null, null, null, null,
				null, null, null, null);
		assertThatThrownBy(() -> EdgeGraphQlAutoConfiguration.validate(zero))
			.isInstanceOf(InvalidEdgeConfigurationException.class)
			.hasMessageContaining("edge.graphql.max-work");
		EdgeGraphQlProperties defaults = new EdgeGraphQlProperties(null, null, null, null, null, null, null, null, null,
				null, null, null, null, null);
		assertThat(defaults.maxWork()).isEqualTo(2000);
		EdgeGraphQlAutoConfiguration.validate(defaults);
	}

	@Test
	void serializationError_rewritten() {
		assertThat(GraphQlErrors.message("Can't serialize value (/order/orderId) : Expected a value that can be "
				+ "converted to type 'Int' but it was a 'LinkedHashMap'"))
			.isEqualTo("A provider's value does not fit this field's type");
		assertThat(GraphQlErrors
			.message("Validation error (FieldUndefined@[order/foo]) : Field 'foo' in type " + "'Order' is undefined"))
			.isEqualTo("Field 'foo' in type 'Order' is undefined");
	}

}
