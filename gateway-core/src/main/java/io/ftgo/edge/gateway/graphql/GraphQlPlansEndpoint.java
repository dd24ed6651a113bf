package io.ftgo.edge.gateway.graphql;

import java.util.LinkedHashMap;
import java.util.Map;

import graphql.parser.InvalidSyntaxException;
import graphql.parser.Parser;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.graphql.execution.GraphQlSource;

/**
 * {@code /actuator/graphql}: the plan of every registered (persisted) query, and
 * {@code /actuator/graphql?query=...} the plan of any query: the provider calls it can
 * make, in which stages, with which policies, plus its depth and cost, whether the limits
 * would refuse it and whether it runs as a compiled plan ({@code compiled}: true, or the
 * reason it runs on graphql-java). {@code /actuator/graphql/{id}} for one registered
 * query. Served on the management port only, like {@code /actuator/compositions}.
 */
@Endpoint(id = "graphql")
public class GraphQlPlansEndpoint {

	private final GraphQlSource source;

	private final QueryPlanner planner;

	private final PersistedQueries persisted;

	private final EdgeGraphQlProperties properties;

	private final GraphQlFields fields;

	GraphQlPlansEndpoint(GraphQlSource source, QueryPlanner planner, PersistedQueries persisted,
			EdgeGraphQlProperties properties, GraphQlFields fields) {
		this.fields = fields;
		this.source = source;
		this.planner = planner;
		this.persisted = persisted;
		this.properties = properties;
	}

	@ReadOperation
	public Map<String, Object> plans(@Nullable String query, @Nullable String operationName) {
		if (query != null) {
			return plan(query, operationName);
		}
		Map<String, Object> plans = new LinkedHashMap<>();
		this.persisted.all().forEach((id, text) -> plans.put(id, plan(text, null)));
		return plans;
	}

	@ReadOperation
	public Map<String, Object> persisted(@Selector String id) {
		String text = this.persisted.find(id, null);
		return (text != null) ? plan(text, null) : null;
	}

	private Map<String, Object> plan(String query, String operationName) {
		Map<String, Object> out = new LinkedHashMap<>();
		try {
			QueryPlan plan = this.planner.plan(this.source.schema(), Parser.parse(query), operationName, Map.of());
			out.putAll(plan.describe(this.planner));
			out.put("sha256Hash", PersistedQueries.sha256(query));
			out.put("refusal", refusal(plan));
			out.put("compiled", compiled(query, operationName));
		}
		catch (InvalidSyntaxException ex) {
			out.put("refusal", EdgeGraphQlErrorType.INVALID_QUERY.name());
		}
		return out;
	}

	/**
	 * Whether the query runs as a compiled plan, or the reason it runs on graphql-java.
	 */
	private Object compiled(String query, String operationName) {
		if (!this.properties.compiledPlans()) {
			return "graphql-java: edge.graphql.compiled-plans is false";
		}
		CompiledSelections.Result result = new CompiledSelections(this.source.schema(), this.fields)
			.compile(Parser.parse(query), operationName);
		return (result.operation() != null) ? Boolean.TRUE : "graphql-java: " + result.fallback();
	}

	private String refusal(QueryPlan plan) {
		if (plan.invalid) {
			return EdgeGraphQlErrorType.INVALID_QUERY.name();
		}
		if (plan.tooDeep) {
			return EdgeGraphQlErrorType.QUERY_TOO_DEEP.name();
		}
		if (plan.tooLarge) {
			return EdgeGraphQlErrorType.QUERY_TOO_LARGE.name();
		}
		if (plan.introspection && !this.properties.introspection()) {
			return EdgeGraphQlErrorType.INTROSPECTION_DISABLED.name();
		}
		// Explained without variables: only the document's own literals are checked.
		if (plan.inputError != null && !plan.inputError.details().containsKey("variable")) {
			return EdgeGraphQlErrorType.INVALID_INPUT.name();
		}
		if (plan.depth > this.properties.maxDepth()) {
			return EdgeGraphQlErrorType.QUERY_TOO_DEEP.name();
		}
		if (plan.cost > this.properties.maxComplexity()) {
			return EdgeGraphQlErrorType.QUERY_TOO_COMPLEX.name();
		}
		if (plan.calls > this.properties.maxProviderCalls()) {
			return EdgeGraphQlErrorType.CALL_BUDGET_EXCEEDED.name();
		}
		return null;
	}

}
