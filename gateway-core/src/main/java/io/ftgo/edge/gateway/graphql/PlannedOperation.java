package io.ftgo.edge.gateway.graphql;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import graphql.language.Field;
import graphql.language.VariableDefinition;
import graphql.schema.GraphQLSchema;

import io.ftgo.edge.gateway.graphql.QueryPlanner.Node;
import io.ftgo.edge.gateway.graphql.QueryPlanner.Size;

/**
 * One compiled operation: plain data, independent of the variables (so it can be kept per
 * registered query). Invalid ({@link #invalid}), too large ({@link #tooLarge}) or a tree
 * of fields ({@link #fields}) to plan with variables.
 */
final class PlannedOperation {

	private final QueryPlanner planner;

	private final GraphQLSchema schema;

	String invalid;

	String operation;

	String rootType;

	boolean introspection;

	/** Work units counted (at most {@code maxWork + 1}: counting stops there). */
	long work;

	/** Nodes of the document the planner touched: its own effort. */
	long steps;

	boolean tooLarge;

	/**
	 * Deepest nesting of selections seen (fields, fragments), stopping past the bound.
	 */
	int nesting;

	boolean tooDeep;

	InputCheck.Error inputError;

	final List<VariableDefinition> variables = new ArrayList<>();

	List<Node> fields = List.of();

	PlannedOperation(QueryPlanner planner, GraphQLSchema schema) {
		this.planner = planner;
		this.schema = schema;
	}

	void charge(long units, long maxWork) {
		if (units > maxWork - this.work) {
			this.work = maxWork + 1;
			this.tooLarge = true;
			throw new WorkCounter.TooMuchWork();
		}
		this.work += units;
	}

	/**
	 * The plan with these variables: their values counted and checked, then depth, cost
	 * and provider calls.
	 * @param variables the request's variables
	 * @return the plan
	 */
	QueryPlan plan(Map<String, Object> variables) {
		Map<String, Object> values = (variables != null) ? variables : Map.of();
		QueryPlan plan = new QueryPlan();
		plan.operation = this.operation;
		plan.introspection = this.introspection;
		plan.work = this.work;
		plan.steps = this.steps;
		plan.invalid = this.invalid != null;
		plan.invalidReason = this.invalid;
		plan.tooLarge = this.tooLarge;
		plan.nesting = this.nesting;
		plan.tooDeep = this.tooDeep;
		if (plan.invalid || plan.tooLarge || plan.tooDeep) {
			return plan;
		}
		EdgeGraphQlProperties properties = this.planner.properties();
		try {
			for (Object value : values.values()) {
				chargeValues(plan, value, properties.maxWork());
			}
		}
		catch (WorkCounter.TooMuchWork ex) {
			plan.tooLarge = true;
			return plan;
		}
		plan.inputError = this.inputError;
		if (plan.inputError == null) {
			plan.inputError = InputCheck.variables(this.schema, this.variables, values);
		}
		walk(plan, this.fields, this.rootType, "", 1, 1L, 0, true, values);
		return plan;
	}

	private void chargeValues(QueryPlan plan, Object value, long maxWork) {
		plan.steps++;
		if (plan.work >= maxWork) {
			plan.work = maxWork + 1;
			throw new WorkCounter.TooMuchWork();
		}
		plan.work++;
		if (value instanceof Map<?, ?> map) {
			for (Object entry : map.values()) {
				chargeValues(plan, entry, maxWork);
			}
		}
		else if (value instanceof List<?> list) {
			for (Object entry : list) {
				chargeValues(plan, entry, maxWork);
			}
		}
	}

	private void walk(QueryPlan plan, List<Node> nodes, String parent, String path, int depth, long multiplier,
			int stage, boolean whole, Map<String, Object> variables) {
		GraphQlFields fields = this.planner.fields();
		EdgeGraphQlProperties properties = this.planner.properties();
		boolean loadCounted = false;
		for (Node node : nodes) {
			String fieldPath = path.isEmpty() ? node.key() : path + "." + node.key();
			plan.depth = Math.max(plan.depth, depth);
			plan.cost = QueryPlanner.plus(plan.cost, multiplier);
			GraphQlFields.Field configured = fields.field(parent, node.name());
			int childStage = stage;
			if (configured != null && configured.definition().calls()) {
				childStage = stage + 1;
				for (String call : configured.calls()) {
					plan.cost = QueryPlanner.plus(plan.cost, QueryPlanner.times(multiplier, properties.callCost()));
					plan.calls = QueryPlanner.plus(plan.calls, multiplier);
					plan.add(new QueryPlan.PlannedCall(childStage, fieldPath, configured.definition().from(), call,
							multiplier, configured.required(), false,
							configured.authorize() != null ? configured.authorize().toString() : null,
							call.startsWith("GET")));
				}
			}
			else if (!whole && !loadCounted && (configured == null || configured.definition().path() == null)) {
				GraphQlFields.Field load = fields.load(parent);
				if (load != null && !load.sourcePaths().contains(node.name())) {
					loadCounted = true;
					plan.cost = QueryPlanner.plus(plan.cost, QueryPlanner.times(multiplier, properties.callCost()));
					plan.calls = QueryPlanner.plus(plan.calls, multiplier);
					plan.add(new QueryPlan.PlannedCall(stage + 1, path, load.definition().from(),
							"GET " + load.definition().get(), multiplier, false, true, null, true));
				}
			}
			long childMultiplier = node.list() ? QueryPlanner.times(multiplier, listSize(node.size(), variables))
					: multiplier;
			if (node.type() != null && !node.children().isEmpty()) {
				// A call's answer is the whole object unless a part of it is selected
				// (a list of summaries); a field read from the parent is as whole as
				// its parent.
				boolean childWhole = (configured != null && configured.definition().calls())
						? configured.definition().select() == null : whole;
				walk(plan, node.children(), node.type(), fieldPath, depth + 1, childMultiplier, childStage, childWhole,
						variables);
			}
		}
	}

	private long listSize(Size size, Map<String, Object> variables) {
		if (size != null && size.literal() != null) {
			return size.literal();
		}
		if (size != null && variables.get(size.variable()) instanceof Number number) {
			return Math.max(1, number.longValue());
		}
		return this.planner.properties().defaultListSize();
	}

}
