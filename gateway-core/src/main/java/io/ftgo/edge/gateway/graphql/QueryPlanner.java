package io.ftgo.edge.gateway.graphql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
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
import graphql.language.VariableDefinition;
import graphql.language.VariableReference;
import graphql.schema.GraphQLArgument;
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
 * Plans a GraphQL document before anything runs, in two steps whose cost is bounded.
 *
 * <p>
 * {@link #compile} turns a document and operation into an {@link Operation}: plain data,
 * independent of the variables (a registered query can be compiled once). It first counts
 * the document's work units (every field, fragment spread, inline fragment and directive
 * as often as fragment expansion repeats it, and every variable definition) against
 * {@code edge.graphql.max-work}, checking the bound at every unit, so it stops as soon as
 * the bound is crossed. Each fragment's count is computed once and reused for every
 * spread of it: the counting touches every node of the document once, whatever the
 * expansion would be. Only a document within the bound is expanded, into a tree of fields
 * with aliases and repeated fields merged (the fields of a fragment collected once per
 * type), and its literal arguments are checked against the schema in the edge's words.
 *
 * <p>
 * {@link Operation#plan} then reads the tree with the variables: the variables' values
 * count as work too (one unit per JSON value) and are checked against their declared
 * types; then depth, cost, the provider calls the query can make (an upper bound: list
 * fields count with their size argument, or the default size), grouped in stages (a
 * call's stage is the number of calling fields above it plus one: calls of one stage can
 * run in parallel), and whether it introspects. The refusal checks and the explain
 * endpoint read the same plan.
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

	/** Compiles then plans with these variables. */
	Plan plan(GraphQLSchema schema, Document document, String operationName, Map<String, Object> variables) {
		return compile(schema, document, operationName).plan(variables);
	}

	/**
	 * The operation of a document, counted against {@code max-work} and, within it,
	 * expanded into its merged field tree.
	 * @param schema the schema
	 * @param document the parsed document
	 * @param operationName the operation to run, or {@code null} for the only one
	 * @return the operation, possibly invalid or too large
	 */
	Operation compile(GraphQLSchema schema, Document document, String operationName) {
		Operation operation = new Operation(this, schema);
		OperationDefinition definition = null;
		Map<String, FragmentDefinition> fragments = new HashMap<>();
		for (var node : document.getDefinitions()) {
			operation.steps++;
			if (node instanceof OperationDefinition op) {
				if (operationName == null ? definition == null : operationName.equals(op.getName())) {
					definition = op;
				}
			}
			else if (node instanceof FragmentDefinition fragment) {
				fragments.putIfAbsent(fragment.getName(), fragment);
			}
		}
		if (definition == null) {
			operation.invalid = "The query names no operation this schema runs";
			return operation;
		}
		operation.operation = definition.getOperation().name().toLowerCase(Locale.ROOT);
		GraphQLObjectType root = switch (definition.getOperation()) {
			case MUTATION -> schema.getMutationType();
			case SUBSCRIPTION -> schema.getSubscriptionType();
			default -> schema.getQueryType();
		};
		if (root == null) {
			operation.invalid = "The query names no operation this schema runs";
			return operation;
		}
		operation.rootType = root.getName();
		Counter counter = new Counter(operation, fragments, this.properties.maxWork(), maxNesting());
		try {
			for (VariableDefinition variable : definition.getVariableDefinitions()) {
				operation.steps++;
				counter.charge(1 + variable.getDirectives().size());
				operation.variables.add(variable);
			}
			counter.charge(definition.getDirectives().size());
			counter.count(definition.getSelectionSet(), 1);
		}
		catch (TooMuchWork ex) {
			return operation;
		}
		catch (TooDeep ex) {
			operation.tooDeep = true;
			return operation;
		}
		catch (FragmentCycle ex) {
			operation.invalid = "Fragment '" + ex.getMessage() + "' spreads itself";
			return operation;
		}
		Builder builder = new Builder(operation, schema, fragments);
		operation.fields = builder.build(root, List.of(definition.getSelectionSet()));
		return operation;
	}

	/**
	 * How deep selections may nest, counting fragment spreads and inline fragments as
	 * levels: {@code 4 * max-depth} (32 by default). Fragments nest no field deeper, but
	 * graphql-java's validation recurses on them: a chain of a thousand fragments
	 * spreading each other overflows its stack.
	 * @return the bound
	 */
	int maxNesting() {
		return 4 * this.properties.maxDepth();
	}

	/** Thrown when the count crosses {@code max-work}: the walk stops at once. */
	private static final class TooMuchWork extends RuntimeException {

		TooMuchWork() {
			super(null, null, false, false);
		}

	}

	/** Thrown when selections nest deeper than allowed: the walk stops at once. */
	private static final class TooDeep extends RuntimeException {

		TooDeep() {
			super(null, null, false, false);
		}

	}

	/** Thrown when a fragment spreads itself (directly or through others). */
	private static final class FragmentCycle extends RuntimeException {

		FragmentCycle(String fragment) {
			super(fragment, null, false, false);
		}

	}

	/**
	 * Counts work units, every unit against the bound, and the nesting of selections
	 * (fields, inline fragments and fragment spreads: what graphql-java recurses on),
	 * every level against its bound. A fragment is walked once: its count and height are
	 * kept, and charged again in one step for every further spread.
	 */
	private static final class Counter {

		private final Operation operation;

		private final Map<String, FragmentDefinition> fragments;

		private final long maxWork;

		private final int maxNesting;

		private final Map<String, long[]> fragmentWork = new HashMap<>();

		private final Set<String> inProgress = new HashSet<>();

		Counter(Operation operation, Map<String, FragmentDefinition> fragments, long maxWork, int maxNesting) {
			this.operation = operation;
			this.fragments = fragments;
			this.maxWork = maxWork;
			this.maxNesting = maxNesting;
		}

		/**
		 * Adds units; past the bound the count is {@code maxWork + 1}, the unit at which
		 * counting one by one would have stopped, and the walk ends.
		 */
		void charge(long units) {
			this.operation.charge(units, this.maxWork);
		}

		private void nested(int level) {
			if (level > this.maxNesting) {
				this.operation.nesting = level;
				throw new TooDeep();
			}
			this.operation.nesting = Math.max(this.operation.nesting, level);
		}

		/**
		 * Counts a selection set at a nesting level, charging as it goes.
		 * @return how many levels it nests below its own
		 */
		int count(SelectionSet selections, int level) {
			if (selections == null) {
				return 0;
			}
			nested(level);
			int height = 0;
			for (Selection<?> selection : selections.getSelections()) {
				this.operation.steps++;
				if (selection instanceof Field field) {
					charge(1 + field.getDirectives().size());
					if (field.getSelectionSet() != null) {
						height = Math.max(height, 1 + count(field.getSelectionSet(), level + 1));
					}
				}
				else if (selection instanceof InlineFragment inline) {
					charge(1 + inline.getDirectives().size());
					height = Math.max(height, 1 + count(inline.getSelectionSet(), level + 1));
				}
				else if (selection instanceof FragmentSpread spread) {
					charge(1 + spread.getDirectives().size());
					height = Math.max(height, 1 + spread(spread.getName(), level + 1));
				}
			}
			return height;
		}

		private int spread(String name, int level) {
			long[] known = this.fragmentWork.get(name);
			if (known != null) {
				nested(level + (int) known[1]);
				charge(known[0]);
				return (int) known[1];
			}
			FragmentDefinition fragment = this.fragments.get(name);
			if (fragment == null) {
				return 0;
			}
			if (!this.inProgress.add(name)) {
				throw new FragmentCycle(name);
			}
			long start = this.operation.work;
			charge(fragment.getDirectives().size());
			int height = count(fragment.getSelectionSet(), level);
			this.inProgress.remove(name);
			this.fragmentWork.put(name, new long[] { this.operation.work - start, height });
			return height;
		}

	}

	/**
	 * Expands a document already counted within the bound into its field tree: fields of
	 * one selection merged by result key (aliases and repeated fields are one field),
	 * each fragment's fields collected once per type. Checks literal arguments.
	 */
	private final class Builder {

		private final Operation operation;

		private final GraphQLSchema schema;

		private final Map<String, FragmentDefinition> fragments;

		private final Map<String, Map<String, Set<Field>>> collected = new HashMap<>();

		private final Set<Field> checked = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

		Builder(Operation operation, GraphQLSchema schema, Map<String, FragmentDefinition> fragments) {
			this.operation = operation;
			this.schema = schema;
			this.fragments = fragments;
		}

		List<Node> build(GraphQLFieldsContainer parent, List<SelectionSet> selections) {
			Map<String, Set<Field>> grouped = new LinkedHashMap<>();
			for (SelectionSet selection : selections) {
				collect(parent, selection, grouped);
			}
			List<Node> nodes = new ArrayList<>(grouped.size());
			grouped.forEach((key, same) -> {
				this.operation.steps++;
				Field first = same.iterator().next();
				String name = first.getName();
				if (name.equals("__schema") || name.equals("__type")) {
					this.operation.introspection = true;
					return;
				}
				if (name.startsWith("__")) {
					return;
				}
				GraphQLFieldDefinition definition = parent.getFieldDefinition(name);
				if (definition == null) {
					return;
				}
				for (Field field : same) {
					checkArguments(parent, definition, field);
				}
				GraphQLType inner = GraphQLTypeUtil.unwrapAll(definition.getType());
				List<Node> children = List.of();
				if (inner instanceof GraphQLFieldsContainer container) {
					List<SelectionSet> sets = new ArrayList<>();
					for (Field field : same) {
						if (field.getSelectionSet() != null) {
							sets.add(field.getSelectionSet());
						}
					}
					children = build(container, sets);
				}
				String type = (inner instanceof GraphQLFieldsContainer container) ? container.getName() : null;
				nodes.add(new Node(key, name, type, isList(definition.getType()), size(first), children));
			});
			return List.copyOf(nodes);
		}

		private void collect(GraphQLFieldsContainer parent, SelectionSet selections, Map<String, Set<Field>> grouped) {
			if (selections == null) {
				return;
			}
			for (Selection<?> selection : selections.getSelections()) {
				this.operation.steps++;
				if (selection instanceof Field field) {
					grouped.computeIfAbsent(field.getResultKey(), (k) -> new LinkedHashSet<>()).add(field);
				}
				else if (selection instanceof InlineFragment inline) {
					collect(parent, inline.getSelectionSet(), grouped);
				}
				else if (selection instanceof FragmentSpread spread) {
					FragmentDefinition fragment = this.fragments.get(spread.getName());
					if (fragment == null) {
						continue;
					}
					String key = parent.getName() + '\u0000' + spread.getName();
					Map<String, Set<Field>> fields = this.collected.get(key);
					if (fields == null) {
						fields = new LinkedHashMap<>();
						collect(parent, fragment.getSelectionSet(), fields);
						this.collected.put(key, fields);
					}
					fields.forEach((k, v) -> grouped.computeIfAbsent(k, (x) -> new LinkedHashSet<>()).addAll(v));
				}
			}
		}

		private void checkArguments(GraphQLFieldsContainer parent, GraphQLFieldDefinition definition, Field field) {
			// Each field of the document is checked once, however many paths reach it.
			if (this.operation.inputError != null || !this.checked.add(field)) {
				return;
			}
			for (Argument argument : field.getArguments()) {
				GraphQLArgument declared = definition.getArgument(argument.getName());
				if (declared == null) {
					continue;
				}
				InputCheck.Problem problem = InputCheck.literal(this.schema, declared.getType(), argument.getValue(),
						argument.getName());
				if (problem != null) {
					this.operation.inputError = InputCheck.argumentError(parent.getName() + "." + definition.getName(),
							problem);
					return;
				}
			}
		}

		private Size size(Field field) {
			for (Argument argument : field.getArguments()) {
				if (!QueryPlanner.this.properties.listSizeArguments().contains(argument.getName())) {
					continue;
				}
				if (argument.getValue() instanceof IntValue value) {
					return new Size(
							Math.max(1, value.getValue().min(java.math.BigInteger.valueOf(Long.MAX_VALUE)).longValue()),
							null);
				}
				if (argument.getValue() instanceof VariableReference reference) {
					return new Size(null, reference.getName());
				}
			}
			return null;
		}

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

	private static long times(long a, long b) {
		long high = Math.multiplyHigh(a, b);
		long product = a * b;
		return (high != 0 || product < 0) ? Long.MAX_VALUE : product;
	}

	private static long plus(long a, long b) {
		long sum = a + b;
		return (sum < 0) ? Long.MAX_VALUE : sum;
	}

	/**
	 * One field of the merged tree: one per result key and parent, whatever the number of
	 * selections, aliases or fragments that name it.
	 *
	 * @param key the result key (alias or name)
	 * @param name the field name
	 * @param type the object type of its value, or {@code null} for a leaf
	 * @param list whether its value is a list
	 * @param size the list size argument, or {@code null} (the default list size)
	 * @param children its selected fields, merged
	 */
	record Node(String key, String name, String type, boolean list, Size size, List<Node> children) {
	}

	/**
	 * A list size argument: a literal or a variable.
	 *
	 * @param literal the literal size, or {@code null}
	 * @param variable the variable name, or {@code null}
	 */
	record Size(Long literal, String variable) {
	}

	/**
	 * One compiled operation: plain data, independent of the variables (so it can be kept
	 * per registered query). Invalid ({@link #invalid}), too large ({@link #tooLarge}) or
	 * a tree of fields ({@link #fields}) to plan with variables.
	 */
	static final class Operation {

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
		 * Deepest nesting of selections seen (fields, fragments), stopping past the
		 * bound.
		 */
		int nesting;

		boolean tooDeep;

		InputCheck.Error inputError;

		final List<VariableDefinition> variables = new ArrayList<>();

		List<Node> fields = List.of();

		Operation(QueryPlanner planner, GraphQLSchema schema) {
			this.planner = planner;
			this.schema = schema;
		}

		void charge(long units, long maxWork) {
			if (units > maxWork - this.work) {
				this.work = maxWork + 1;
				this.tooLarge = true;
				throw new TooMuchWork();
			}
			this.work += units;
		}

		/**
		 * The plan with these variables: their values counted and checked, then depth,
		 * cost and provider calls.
		 * @param variables the request's variables
		 * @return the plan
		 */
		Plan plan(Map<String, Object> variables) {
			Map<String, Object> values = (variables != null) ? variables : Map.of();
			Plan plan = new Plan();
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
			EdgeGraphQlProperties properties = this.planner.properties;
			try {
				for (Object value : values.values()) {
					chargeValues(plan, value, properties.maxWork());
				}
			}
			catch (TooMuchWork ex) {
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

		private void chargeValues(Plan plan, Object value, long maxWork) {
			plan.steps++;
			if (plan.work >= maxWork) {
				plan.work = maxWork + 1;
				throw new TooMuchWork();
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

		private void walk(Plan plan, List<Node> nodes, String parent, String path, int depth, long multiplier,
				int stage, boolean whole, Map<String, Object> variables) {
			GraphQlFields fields = this.planner.fields;
			EdgeGraphQlProperties properties = this.planner.properties;
			boolean loadCounted = false;
			for (Node node : nodes) {
				String fieldPath = path.isEmpty() ? node.key() : path + "." + node.key();
				plan.depth = Math.max(plan.depth, depth);
				plan.cost = plus(plan.cost, multiplier);
				GraphQlFields.Field configured = fields.field(parent, node.name());
				int childStage = stage;
				if (configured != null && configured.definition().calls()) {
					childStage = stage + 1;
					for (String call : configured.calls()) {
						plan.cost = plus(plan.cost, times(multiplier, properties.callCost()));
						plan.calls = plus(plan.calls, multiplier);
						plan.add(new PlannedCall(childStage, fieldPath, configured.definition().from(), call,
								multiplier, configured.required(), false,
								configured.authorize() != null ? configured.authorize().toString() : null,
								call.startsWith("GET")));
					}
				}
				else if (!whole && !loadCounted && (configured == null || configured.definition().path() == null)) {
					GraphQlFields.Field load = fields.load(parent);
					if (load != null && !load.sourcePaths().contains(node.name())) {
						loadCounted = true;
						plan.cost = plus(plan.cost, times(multiplier, properties.callCost()));
						plan.calls = plus(plan.calls, multiplier);
						plan.add(new PlannedCall(stage + 1, path, load.definition().from(),
								"GET " + load.definition().get(), multiplier, false, true, null, true));
					}
				}
				long childMultiplier = node.list() ? times(multiplier, listSize(node.size(), variables)) : multiplier;
				if (node.type() != null && !node.children().isEmpty()) {
					// A call's answer is the whole object unless a part of it is selected
					// (a list of summaries); a field read from the parent is as whole as
					// its parent.
					boolean childWhole = (configured != null && configured.definition().calls())
							? configured.definition().select() == null : whole;
					walk(plan, node.children(), node.type(), fieldPath, depth + 1, childMultiplier, childStage,
							childWhole, variables);
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
			return this.planner.properties.defaultListSize();
		}

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

		String invalidReason;

		/** Over {@code max-work}: nothing else was planned. */
		boolean tooLarge;

		/**
		 * Selections (fields, fragment spreads, inline fragments) nest deeper than
		 * {@link QueryPlanner#maxNesting()}: nothing else was planned.
		 */
		boolean tooDeep;

		/** The deepest nesting of selections counted (stops at the first level over). */
		int nesting;

		/** Work units counted (at most {@code maxWork + 1}: counting stops there). */
		long work;

		/** Nodes of the document and variables the planner touched: its own effort. */
		long steps;

		/** The first argument or variable value that does not fit its type. */
		InputCheck.Error inputError;

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
			out.put("work", this.work);
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
