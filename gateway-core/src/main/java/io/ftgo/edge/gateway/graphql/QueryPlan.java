package io.ftgo.edge.gateway.graphql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The plan of one document. */
final class QueryPlan {

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
