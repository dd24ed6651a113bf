package io.ftgo.edge.gateway.graphql;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import graphql.language.Argument;
import graphql.language.Document;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.IntValue;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.language.VariableReference;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLFieldsContainer;
import graphql.schema.GraphQLList;
import graphql.schema.GraphQLNonNull;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLType;
import graphql.schema.GraphQLTypeUtil;

import io.ftgo.edge.composition.policy.ProviderSettings;

/**
 * Plans a GraphQL document before anything runs: its depth, its cost, the provider calls
 * it can make (an upper bound: list fields count with their size argument, or the default
 * size), grouped in stages (a call's stage is the number of calling fields above it plus
 * one: calls of one stage can run in parallel), and whether it introspects. The refusal
 * checks and the explain endpoint read the same plan.
 */
final class QueryPlanner {

	private final GraphQlFields fields;

	private final EdgeGraphQlProperties properties;

	private final Map<String, ProviderSettings> providers;

	QueryPlanner(GraphQlFields fields, EdgeGraphQlProperties properties, Map<String, ProviderSettings> providers) {
		this.fields = fields;
		this.properties = properties;
		this.providers = providers;
	}

	Plan plan(GraphQLSchema schema, Document document, String operationName, Map<String, Object> variables) {
		OperationDefinition operation = null;
		Map<String, FragmentDefinition> fragments = new LinkedHashMap<>();
		for (var definition : document.getDefinitions()) {
			if (definition instanceof OperationDefinition op) {
				if (operationName == null ? operation == null : operationName.equals(op.getName())) {
					operation = op;
				}
			}
			else if (definition instanceof FragmentDefinition fragment) {
				fragments.put(fragment.getName(), fragment);
			}
		}
		Plan plan = new Plan();
		if (operation == null) {
			plan.invalid = true;
			return plan;
		}
		plan.operation = operation.getOperation().name().toLowerCase(java.util.Locale.ROOT);
		GraphQLObjectType root = switch (operation.getOperation()) {
			case MUTATION -> schema.getMutationType();
			case SUBSCRIPTION -> schema.getSubscriptionType();
			default -> schema.getQueryType();
		};
		if (root == null) {
			plan.invalid = true;
			return plan;
		}
		walk(plan, operation.getSelectionSet(), root, "", 1, 1L, 0, true, fragments,
				(variables != null) ? variables : Map.of(), new HashSet<>());
		return plan;
	}

	private void walk(Plan plan, SelectionSet selections, GraphQLFieldsContainer parent, String path, int depth,
			long multiplier, int stage, boolean whole, Map<String, FragmentDefinition> fragments,
			Map<String, Object> variables, Set<String> visiting) {
		if (selections == null) {
			return;
		}
		boolean loadCounted = false;
		for (Selection<?> selection : selections.getSelections()) {
			if (selection instanceof InlineFragment inline) {
				walk(plan, inline.getSelectionSet(), parent, path, depth, multiplier, stage, whole, fragments,
						variables, visiting);
				continue;
			}
			if (selection instanceof FragmentSpread spread) {
				FragmentDefinition fragment = fragments.get(spread.getName());
				if (fragment != null && visiting.add(spread.getName())) {
					walk(plan, fragment.getSelectionSet(), parent, path, depth, multiplier, stage, whole, fragments,
							variables, visiting);
					visiting.remove(spread.getName());
				}
				continue;
			}
			if (!(selection instanceof Field field)) {
				continue;
			}
			String name = field.getName();
			if (name.equals("__schema") || name.equals("__type")) {
				plan.introspection = true;
				continue;
			}
			if (name.startsWith("__")) {
				continue;
			}
			GraphQLFieldDefinition definition = parent.getFieldDefinition(name);
			if (definition == null) {
				continue;
			}
			String fieldPath = path.isEmpty() ? field.getResultKey() : path + "." + field.getResultKey();
			plan.depth = Math.max(plan.depth, depth);
			plan.cost += multiplier;
			GraphQlFields.Field configured = this.fields.field(parent.getName(), name);
			int childStage = stage;
			if (configured != null && configured.definition().calls()) {
				childStage = stage + 1;
				for (String call : configured.calls()) {
					plan.cost += multiplier * this.properties.callCost();
					plan.calls += multiplier;
					plan.add(new PlannedCall(childStage, fieldPath, configured.definition().from(), call, multiplier,
							configured.required(), false,
							configured.authorize() != null ? configured.authorize().toString() : null,
							call.startsWith("GET")));
				}
			}
			else if (!whole && !loadCounted && (configured == null || configured.definition().path() == null)) {
				GraphQlFields.Field load = this.fields.load(parent.getName());
				if (load != null && !load.sourcePaths().contains(name)) {
					loadCounted = true;
					plan.cost += multiplier * this.properties.callCost();
					plan.calls += multiplier;
					plan.add(new PlannedCall(stage + 1, path, load.definition().from(),
							"GET " + load.definition().get(), multiplier, false, true, null, true));
				}
			}
			GraphQLType type = GraphQLTypeUtil.unwrapNonNull(definition.getType());
			long childMultiplier = multiplier;
			if (type instanceof GraphQLList) {
				childMultiplier = multiplier * listSize(field, variables);
			}
			GraphQLType inner = GraphQLTypeUtil.unwrapAll(definition.getType());
			if (inner instanceof GraphQLFieldsContainer container && field.getSelectionSet() != null) {
				// A call's answer is the whole object unless a part of it is selected (a
				// list of
				// summaries); a field read from the parent is as whole as its parent.
				boolean childWhole = (configured != null && configured.definition().calls())
						? configured.definition().select() == null : whole;
				walk(plan, field.getSelectionSet(), container, fieldPath, depth + 1, childMultiplier, childStage,
						childWhole, fragments, variables, visiting);
			}
		}
	}

	private long listSize(Field field, Map<String, Object> variables) {
		for (Argument argument : field.getArguments()) {
			if (!this.properties.listSizeArguments().contains(argument.getName())) {
				continue;
			}
			if (argument.getValue() instanceof IntValue value) {
				return Math.max(1, value.getValue().longValue());
			}
			if (argument.getValue() instanceof VariableReference reference
					&& variables.get(reference.getName()) instanceof Number number) {
				return Math.max(1, number.longValue());
			}
		}
		return this.properties.defaultListSize();
	}

	Map<String, Object> policy(String provider, boolean idempotent) {
		ProviderSettings settings = this.providers.get(provider);
		Map<String, Object> policy = new LinkedHashMap<>();
		if (settings == null) {
			return policy;
		}
		policy.put("timeout", settings.timeout().toString());
		policy.put("attempts", idempotent ? settings.maxAttempts() : 1);
		policy.put("collapsed", idempotent);
		policy.put("shared", settings.shared());
		policy.put("bulkhead", settings.maxConcurrentCalls());
		policy.put("circuitBreaker", provider);
		policy.put("stale-for", settings.keepsLastGood() ? settings.staleFor().toString() : "off");
		return policy;
	}

	static boolean isList(GraphQLType type) {
		return (type instanceof GraphQLNonNull nonNull) ? nonNull.getWrappedType() instanceof GraphQLList
				: type instanceof GraphQLList;
	}

	/**
	 * One provider call a query can make.
	 *
	 * @param stage 1 for root calls; a call runs after the calls of lower stages it reads
	 * @param path the field (dot path of result keys)
	 * @param provider the provider id (breaker, bulkhead, cache)
	 * @param call the call template
	 * @param times at most this many times (list sizes multiplied)
	 * @param required whether a failure is the field's error rather than its fallback
	 * @param load whether it loads a partial object (made only when a field is missing)
	 * @param authorize the ownership rule checked on it
	 * @param idempotent whether it may be retried and collapsed
	 */
	record PlannedCall(int stage, String path, String provider, String call, long times, boolean required, boolean load,
			String authorize, boolean idempotent) {
	}

	/** The plan of one document. */
	static final class Plan {

		boolean invalid;

		String operation;

		int depth;

		long cost;

		long calls;

		boolean introspection;

		final List<PlannedCall> planned = new ArrayList<>();

		void add(PlannedCall call) {
			this.planned.add(call);
		}

		Map<String, Object> describe(QueryPlanner planner) {
			Map<String, Object> out = new LinkedHashMap<>();
			out.put("operation", this.operation);
			out.put("depth", this.depth);
			out.put("cost", this.cost);
			out.put("providerCalls", this.calls);
			Map<Integer, List<PlannedCall>> stages = new java.util.TreeMap<>();
			this.planned.forEach((call) -> stages.computeIfAbsent(call.stage(), (s) -> new ArrayList<>()).add(call));
			List<Map<String, Object>> list = new ArrayList<>();
			stages.forEach((stage, calls) -> {
				Map<String, Object> s = new LinkedHashMap<>();
				s.put("stage", stage);
				List<Map<String, Object>> described = new ArrayList<>();
				for (PlannedCall call : calls) {
					Map<String, Object> c = new LinkedHashMap<>();
					c.put("path", call.path());
					c.put("provider", call.provider());
					c.put("call", call.call());
					c.put("times", call.times());
					c.put("required", call.required());
					c.put("load", call.load());
					c.put("authorize", call.authorize());
					c.put("policy", planner.policy(call.provider(), call.idempotent()));
					described.add(c);
				}
				s.put("calls", described);
				list.add(s);
			});
			out.put("stages", list);
			return out;
		}

	}

}
