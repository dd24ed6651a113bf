package io.ftgo.edge.gateway.graphql;

import java.util.ArrayList;
import java.util.HashMap;
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
 * {@link #compile} turns a document and operation into a {@link PlannedOperation}: plain
 * data, independent of the variables (a registered query can be compiled once). It first
 * counts the document's work units (every field, fragment spread, inline fragment and
 * directive as often as fragment expansion repeats it, and every variable definition)
 * against {@code edge.graphql.max-work}, checking the bound at every unit, so it stops as
 * soon as the bound is crossed. Each fragment's count is computed once and reused for
 * every spread of it: the counting touches every node of the document once, whatever the
 * expansion would be. Only a document within the bound is expanded, into a tree of fields
 * with aliases and repeated fields merged (the fields of a fragment collected once per
 * type), and its literal arguments are checked against the schema in the edge's words.
 *
 * <p>
 * {@link PlannedOperation#plan} then reads the tree with the variables: the variables'
 * values count as work too (one unit per JSON value) and are checked against their
 * declared types; then depth, cost, the provider calls the query can make (an upper
 * bound: list fields count with their size argument, or the default size), grouped in
 * stages (a call's stage is the number of calling fields above it plus one: calls of one
 * stage can run in parallel), and whether it introspects. The refusal checks and the
 * explain endpoint read the same plan.
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
	QueryPlan plan(GraphQLSchema schema, Document document, String operationName, Map<String, Object> variables) {
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
	PlannedOperation compile(GraphQLSchema schema, Document document, String operationName) {
		PlannedOperation operation = new PlannedOperation(this, schema);
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
		WorkCounter counter = new WorkCounter(operation, fragments, this.properties.maxWork(), maxNesting());
		try {
			for (VariableDefinition variable : definition.getVariableDefinitions()) {
				operation.steps++;
				counter.charge(1 + variable.getDirectives().size());
				operation.variables.add(variable);
			}
			counter.charge(definition.getDirectives().size());
			counter.count(definition.getSelectionSet(), 1);
		}
		catch (WorkCounter.TooMuchWork ex) {
			return operation;
		}
		catch (WorkCounter.TooDeep ex) {
			operation.tooDeep = true;
			return operation;
		}
		catch (WorkCounter.FragmentCycle ex) {
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
	GraphQlFields fields() {
		return this.fields;
	}

	EdgeGraphQlProperties properties() {
		return this.properties;
	}

	int maxNesting() {
		return 4 * this.properties.maxDepth();
	}

	/**
	 * Expands a document already counted within the bound into its field tree: fields of
	 * one selection merged by result key (aliases and repeated fields are one field),
	 * each fragment's fields collected once per type. Checks literal arguments.
	 */
	private final class Builder {

		private final PlannedOperation operation;

		private final GraphQLSchema schema;

		private final Map<String, FragmentDefinition> fragments;

		private final Map<String, Map<String, Set<Field>>> collected = new HashMap<>();

		private final Set<Field> checked = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

		Builder(PlannedOperation operation, GraphQLSchema schema, Map<String, FragmentDefinition> fragments) {
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
				InputCheck.Problem problem = LiteralCheck.literal(this.schema, declared.getType(), argument.getValue(),
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

	static long times(long a, long b) {
		long high = Math.multiplyHigh(a, b);
		long product = a * b;
		return (high != 0 || product < 0) ? Long.MAX_VALUE : product;
	}

	static long plus(long a, long b) {
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

}
