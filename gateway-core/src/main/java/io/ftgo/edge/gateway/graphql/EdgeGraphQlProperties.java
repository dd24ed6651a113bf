package io.ftgo.edge.gateway.graphql;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

import io.ftgo.edge.composition.grpc.GrpcTarget;

/**
 * GraphQL at the edge ({@code edge.graphql}): how each field of the BFF's schema is
 * resolved by a protected provider call, and the limits every query must fit. See
 * gateway-core/docs/graphql.md.
 *
 * <pre>
 * edge:
 *   graphql:
 *     timeout: 2s                 # one deadline per GraphQL request
 *     max-depth: 8
 *     max-work: 2000
 *     max-complexity: 300
 *     max-provider-calls: 40
 *     introspection: true
 *     persisted-queries: { enforce: false, location: classpath:graphql/persisted/ }
 *     compiled-plans: true
 *     types:
 *       Query:
 *         fields:
 *           order: { from: order, get: "/orders/{args.orderId}", authorize: "consumerId == principal.consumerId" }
 *       Order:
 *         load: { from: order, get: "/orders/{source.orderId}" }
 *         fields:
 *           ticket: { from: kitchen, get: "/tickets/{source.orderId}" }
 * </pre>
 *
 * @param path the HTTP path (GET for queries, POST); default {@code /graphql}
 * @param timeout the deadline of one GraphQL request, shared by all its provider calls;
 * default 2s
 * @param maxDepth deepest field nesting allowed; default 8
 * @param maxWork most work units a document may take: every field, fragment spread,
 * inline fragment and directive as often as fragment expansion repeats it, every variable
 * definition and every value in the variables; counted before anything else, stopping at
 * the first unit over; default 2000
 * @param maxComplexity highest cost allowed; default 300
 * @param maxProviderCalls most provider calls a query may plan (and make); default 40
 * @param callCost what a field that calls a provider adds to the cost (a field costs 1);
 * default 5
 * @param defaultListSize the size a list field counts with when it has no size argument;
 * default 20
 * @param listSizeArguments the argument names that give a list field's size; default
 * {@code [first, size, limit]}
 * @param introspection whether {@code __schema} and {@code __type} are answered; default
 * true (switch off in production)
 * @param persistedQueries the allow-list of registered queries
 * @param rateLimitCostPerToken how many cost points one rate-limit token buys: a query of
 * cost {@code c} spends {@code ceil(c / n)} tokens, at least the one the request already
 * spent; default 50, 0 switches cost charging off
 * @param types per schema type: how its fields are resolved
 * @param compiledPlans whether a cached, validated query whose shape compiles runs as a
 * compiled plan (the same answer as graphql-java, without its per-field execution);
 * default true
 */
@ConfigurationProperties("edge.graphql")
public record EdgeGraphQlProperties(String path, Duration timeout, Integer maxDepth, Integer maxWork,
		Integer maxComplexity, Integer maxProviderCalls, Integer callCost, Integer defaultListSize,
		List<String> listSizeArguments, Boolean introspection, PersistedQueries persistedQueries,
		Integer rateLimitCostPerToken, Map<String, TypeDefinition> types, Boolean compiledPlans) {

	/** The default of {@code edge.graphql.max-work}. */
	public static final int DEFAULT_MAX_WORK = 2000;

	public EdgeGraphQlProperties {
		path = (path != null && !path.isBlank()) ? path : "/graphql";
		timeout = (timeout != null) ? timeout : Duration.ofSeconds(2);
		maxDepth = (maxDepth != null) ? maxDepth : 8;
		maxWork = (maxWork != null) ? maxWork : DEFAULT_MAX_WORK;
		maxComplexity = (maxComplexity != null) ? maxComplexity : 300;
		maxProviderCalls = (maxProviderCalls != null) ? maxProviderCalls : 40;
		callCost = (callCost != null) ? callCost : 5;
		defaultListSize = (defaultListSize != null) ? defaultListSize : 20;
		listSizeArguments = (listSizeArguments != null) ? List.copyOf(listSizeArguments)
				: List.of("first", "size", "limit");
		introspection = (introspection != null) ? introspection : Boolean.TRUE;
		persistedQueries = (persistedQueries != null) ? persistedQueries : new PersistedQueries(null, null);
		rateLimitCostPerToken = (rateLimitCostPerToken != null) ? rateLimitCostPerToken : 50;
		types = (types != null) ? new LinkedHashMap<>(types) : Map.of();
		compiledPlans = (compiledPlans != null) ? compiledPlans : Boolean.TRUE;
	}

	/**
	 * The allow-list of persisted queries: every {@code *.graphql} file under
	 * {@code location} is one registered query, called by its file name
	 * ({@code extensions.persistedQuery.id}) or the SHA-256 of its text
	 * ({@code extensions.persistedQuery.sha256Hash}, as Apollo clients send).
	 *
	 * @param enforce when true, only registered queries run (any other document is
	 * refused with {@code PERSISTED_QUERY_REQUIRED}); default false
	 * @param location where the registered queries are; default
	 * {@code classpath:graphql/persisted/}
	 */
	public record PersistedQueries(Boolean enforce, String location) {

		public PersistedQueries {
			enforce = Boolean.TRUE.equals(enforce);
			location = (location != null && !location.isBlank()) ? location : "classpath:graphql/persisted/";
		}

	}

	/**
	 * One schema type.
	 *
	 * @param load how to fetch the whole object when a selected field is missing from the
	 * value its parent gave (e.g. an order summary in a history list): a call whose
	 * answer is the object, made once per object and request
	 * @param fields how fields are resolved; a field not listed reads the property of the
	 * same name
	 */
	public record TypeDefinition(FieldDefinition load, Map<String, FieldDefinition> fields) {

		public TypeDefinition {
			fields = (fields != null) ? new LinkedHashMap<>(fields) : Map.of();
		}

	}

	/**
	 * How one field is resolved: by a provider call ({@code from} + {@code get} or
	 * {@code post}), or from its parent's value ({@code path}).
	 *
	 * <p>
	 * Templates ({@code get}, {@code post}, {@code check}) and {@code authorize} read
	 * {@code {args.name}} (the field's arguments), {@code {source.path}} (the parent
	 * object) and {@code {principal.name}} (the caller), values percent-encoded.
	 *
	 * @param from the provider id
	 * @param get a GET path template: the field's value is the answer (or its
	 * {@code select}ed part)
	 * @param post a POST path template (mutations): never retried, never collapsed
	 * @param body the argument whose value is the POST body
	 * @param bodySet body fields set from the principal, overriding the client's, e.g.
	 * {@code consumerId: principal.consumerId}
	 * @param check a GET on {@code from} made before the POST, whose answer
	 * {@code authorize} reads (e.g. the order before its cancel)
	 * @param authorize an ownership rule {@code a == b}; each side a reference
	 * ({@code consumerId} reads the call's answer, or {@code args.x}, {@code source.x},
	 * {@code principal.x}). A rule reading only arguments, parent and principal is
	 * checked before the call; otherwise after it. When it does not hold: {@code null}
	 * and a {@code NOT_FOUND} error, and nothing below the field is called
	 * @param required whether a failure is an error of the field (404/502/503/504
	 * classification) instead of the fallback chain; default true on {@code Query} and
	 * {@code Mutation}, false elsewhere
	 * @param select a dot path into the answer that is the field's value
	 * @param path for a field without a call: a dot path into the parent's value
	 * @param defaultValue the static default of an optional field
	 * @param cursor for a list field with {@code first}/{@code after} arguments: the item
	 * property that {@code after} names (the edge pages the list)
	 * @param grpc for a {@code transport: grpc} provider, in place of {@code get} or
	 * {@code post}: the method called, {@code Service/Method}; a call with {@code body}
	 * is a write (as {@code post}), one without a read (as {@code get}). A field may have
	 * both: its provider's transport picks one
	 * @param input with {@code grpc}: request field to value template, e.g.
	 * {@code consumerId: "{args.consumerId}"}
	 */
	public record FieldDefinition(String from, String get, String post, String body, Map<String, String> bodySet,
			String check, String authorize, Boolean required, String select, String path,
			Map<String, Object> defaultValue, String cursor, String grpc, Map<String, String> input) {

		public FieldDefinition {
			bodySet = (bodySet != null) ? new LinkedHashMap<>(bodySet) : Map.of();
		}

		/**
		 * The field as called over gRPC: {@code grpc} and {@code input} as the path of a
		 * {@code post} (with {@code body}) or a {@code get} ({@link GrpcTarget}), so that
		 * the rest of the resolution (deduplication, fallbacks, explain) is the same.
		 * @param key the field's configuration key, for messages
		 * @return the copy
		 */
		public FieldDefinition overGrpc(String key) {
			String target = GrpcTarget.template(key + ".grpc", this.grpc, this.input);
			boolean write = this.body != null;
			return new FieldDefinition(this.from, write ? null : target, write ? target : null, this.body, this.bodySet,
					this.check, this.authorize, this.required, this.select, this.path, this.defaultValue, this.cursor,
					this.grpc, this.input);
		}

		/** Whether the field calls a provider. */
		public boolean calls() {
			return this.from != null;
		}

	}

}
