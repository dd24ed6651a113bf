package io.ftgo.edge.gateway.graphql;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLType;

import io.ftgo.edge.gateway.graphql.EdgeGraphQlProperties.FieldDefinition;
import io.ftgo.edge.gateway.graphql.FieldReferences.Rule;
import io.ftgo.edge.security.config.InvalidEdgeConfigurationException;

/**
 * {@code edge.graphql.types}, resolved: per schema type and field, how it is fetched.
 * Type names are matched to the schema without regard to case (YAML keys may be
 * lower-cased by binding). {@link #validate} checks everything against the schema and the
 * providers at start-up.
 */
final class GraphQlFields {

	private final Map<String, Type> types = new LinkedHashMap<>();

	/**
	 * The fields, a {@code grpc:} field of a {@code transport: grpc} provider called over
	 * gRPC (its {@code get}/{@code post}, if any, otherwise).
	 */
	GraphQlFields(EdgeGraphQlProperties properties, io.ftgo.edge.composition.ProviderRegistry providers) {
		properties.types().forEach((typeName, type) -> {
			String key = "edge.graphql.types." + typeName;
			Map<String, Field> fields = new LinkedHashMap<>();
			type.fields()
				.forEach((name, definition) -> fields.put(name.toLowerCase(Locale.ROOT),
						Field.of(key + ".fields." + name, typeName, name,
								transport(key + ".fields." + name, definition, providers))));
			Field load = (type.load() != null)
					? Field.of(key + ".load", typeName, "load", transport(key + ".load", type.load(), providers))
					: null;
			this.types.put(typeName.toLowerCase(Locale.ROOT), new Type(typeName, load, fields));
		});
	}

	private static FieldDefinition transport(String key, FieldDefinition definition,
			io.ftgo.edge.composition.ProviderRegistry providers) {
		if (definition == null || definition.grpc() == null || definition.from() == null || providers == null) {
			return definition;
		}
		io.ftgo.edge.composition.policy.ProviderSettings provider = providers.provider(definition.from());
		return (provider != null && provider.isGrpc()) ? definition.overGrpc(key) : definition;
	}

	private final Map<String, Field> exact = new java.util.concurrent.ConcurrentHashMap<>();

	private static final Field NONE = new Field("", "", "", null, null, false);

	Field field(String type, String field) {
		Field found = this.exact.computeIfAbsent(type + "." + field, (k) -> {
			Type t = this.types.get(type.toLowerCase(Locale.ROOT));
			Field f = (t != null) ? t.fields.get(field.toLowerCase(Locale.ROOT)) : null;
			return (f != null) ? f : NONE;
		});
		return (found != NONE) ? found : null;
	}

	Field load(String type) {
		Type t = this.types.get(type.toLowerCase(Locale.ROOT));
		return (t != null) ? t.load : null;
	}

	boolean configured(String type) {
		return this.types.containsKey(type.toLowerCase(Locale.ROOT));
	}

	/**
	 * Every configured type and field exists in the schema, every provider is known.
	 */
	void validate(GraphQLSchema schema, java.util.Set<String> providers) {
		this.types.values().forEach((type) -> {
			GraphQLType schemaType = schema.getType(type.name);
			if (schemaType == null) {
				schemaType = schema.getAllTypesAsList()
					.stream()
					.filter((t) -> t instanceof GraphQLObjectType o && o.getName().equalsIgnoreCase(type.name))
					.findFirst()
					.orElse(null);
			}
			if (!(schemaType instanceof GraphQLObjectType object)) {
				throw new InvalidEdgeConfigurationException("edge.graphql.types." + type.name, type.name,
						"an object type of the schema");
			}
			type.fields.values().forEach((field) -> {
				GraphQLFieldDefinition definition = object.getFields()
					.stream()
					.filter((f) -> f.getName().equalsIgnoreCase(field.name))
					.findFirst()
					.orElse(null);
				if (definition == null) {
					throw new InvalidEdgeConfigurationException(field.key, field.name,
							"a field of type " + object.getName() + " "
									+ object.getFields().stream().map(GraphQLFieldDefinition::getName).toList());
				}
				field.check(providers);
			});
			if (type.load != null) {
				type.load.check(providers);
			}
		});
	}

	record Type(String name, Field load, Map<String, Field> fields) {
	}

	/**
	 * One resolved field.
	 */
	record Field(String key, String type, String name, FieldDefinition definition, Rule authorize, boolean required,
			List<String> sourcePaths) {

		Field(String key, String type, String name, FieldDefinition definition, Rule authorize, boolean required) {
			this(key, type, name, definition, authorize, required, sourcePaths(definition));
		}

		/** The parent properties its templates read ({@code {source.x}}). */
		private static List<String> sourcePaths(FieldDefinition d) {
			List<String> paths = new java.util.ArrayList<>();
			if (d != null) {
				for (String template : new String[] { d.get(), d.post(), d.check() }) {
					for (String reference : FieldReferences.of(template)) {
						if (FieldReferences.scope(reference).equals("source")) {
							paths.add(FieldReferences.rest(reference));
						}
					}
				}
			}
			return List.copyOf(paths);
		}

		static Field of(String key, String type, String name, FieldDefinition d) {
			if (d == null) {
				throw new InvalidEdgeConfigurationException(key, "null", "from + get/post, or path");
			}
			boolean root = type.equalsIgnoreCase("Query") || type.equalsIgnoreCase("Mutation");
			boolean required = (d.required() != null) ? d.required() : root;
			Rule rule;
			try {
				rule = Rule.parse(key + ".authorize", d.authorize());
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidEdgeConfigurationException(key + ".authorize", d.authorize(),
						"reference == reference, e.g. consumerId == principal.consumerId");
			}
			return new Field(key, type, name, d, rule, required);
		}

		void check(java.util.Set<String> providers) {
			FieldDefinition d = this.definition;
			if (d.from() == null) {
				if (d.get() != null || d.post() != null) {
					throw new InvalidEdgeConfigurationException(this.key + ".from", "null",
							"the provider id of the call, one of " + providers);
				}
				return;
			}
			if (!providers.contains(d.from())) {
				throw new InvalidEdgeConfigurationException(this.key + ".from", d.from(),
						"one of " + providers + " (fix: correct the id or add edge.providers." + d.from() + ")");
			}
			if ((d.get() == null) == (d.post() == null)) {
				throw new InvalidEdgeConfigurationException(this.key, "get=" + d.get() + ", post=" + d.post(),
						"exactly one of get or post");
			}
			for (String template : new String[] { d.get(), d.post(), d.check() }) {
				for (String reference : FieldReferences.of(template)) {
					if (FieldReferences.scope(reference).equals("answer")) {
						throw new InvalidEdgeConfigurationException(this.key, "{" + reference + "}",
								"a reference to args.<name>, source.<path> or principal.<name>");
					}
				}
			}
			if (d.post() != null && this.authorize != null && !this.authorize.beforeCall() && d.check() == null) {
				throw new InvalidEdgeConfigurationException(this.key + ".authorize", this.authorize,
						"a rule on args/source/principal, or a check: GET whose answer the rule reads");
			}
		}

		/** The call as text, for explain: {@code GET /orders/{args.orderId}}. */
		String call() {
			FieldDefinition d = this.definition;
			return (d.get() != null) ? "GET " + d.get() : "POST " + d.post();
		}

		List<String> calls() {
			FieldDefinition d = this.definition;
			if (d.check() != null) {
				return List.of("GET " + d.check(), call());
			}
			return List.of(call());
		}

	}

}
