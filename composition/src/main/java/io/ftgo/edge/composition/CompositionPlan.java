package io.ftgo.edge.composition;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A composition's plan as data ("explain"): the stages in which parts become runnable,
 * which run in parallel, and each part's policy. Parts of one stage run concurrently; a
 * part in a later stage starts as soon as the parts it depends on have answered (not when
 * the whole previous stage has).
 *
 * @param name the composition name
 * @param request the endpoint, e.g. {@code GET /api/web/orders/{orderId}}
 * @param deadline the request deadline
 * @param authorize the ownership check, or {@code null}
 * @param stages the stages, first to last
 * @param parameters each request parameter and its type spec ({@link ParameterType}), in
 * request order, e.g. {@code orderId: id}
 */
public record CompositionPlan(String name, String request, Duration deadline, String authorize, List<Stage> stages,
		Map<String, String> parameters) {

	/**
	 * Parts whose longest dependency chain has the same length.
	 *
	 * @param index 0 for parts without dependencies
	 * @param parts the parts, in definition order
	 */
	public record Stage(int index, List<Step> parts) {
	}

	/**
	 * One part and its policy.
	 *
	 * @param name the part name
	 * @param provider the provider id (also its breaker, bulkhead and cache name)
	 * @param call {@code GET <path template>} or {@code source}
	 * @param required whether its failure fails the request
	 * @param dependsOn the parts it references
	 * @param forEach the fan-out array reference, or {@code null}
	 * @param concurrency fan-out item calls in flight at once, or 0
	 * @param onItemFailure fan-out item failure handling, or {@code null}
	 * @param timeout the per-attempt timeout (capped by the deadline at run time)
	 * @param maxAttempts attempts including the first (1 when not idempotent)
	 * @param collapsed whether identical calls in flight are made once
	 * @param shared whether values are shared across identity scopes
	 * @param bulkhead the provider's concurrent call limit
	 * @param fallback the fallback chain, e.g. {@code [stale PT10M, default, omit]}, or
	 * {@code [fail]} for a required part
	 * @param project the projection (output field to source path), empty for the whole
	 * answer
	 * @param expect the expected answer shape, e.g. {@code object {orderId: integer}}
	 * @param freshness the stale-while-revalidate policy, e.g.
	 * {@code refresh-after PT5S, stale PT30S (PT10M when open)}, or {@code null}
	 * @param hedge the provider's hedge policy, e.g.
	 * {@code after p95 (floor PT0.05S), max-extra 1, budget 0.05}, or {@code null} when
	 * the part's calls are not hedged
	 */
	public record Step(String name, String provider, String call, boolean required, List<String> dependsOn,
			String forEach, int concurrency, ItemFailure onItemFailure, Duration timeout, int maxAttempts,
			boolean collapsed, boolean shared, int bulkhead, List<String> fallback, Map<String, String> project,
			String expect, String freshness, String hedge) {
	}

	/**
	 * A human-readable rendering, one line per part, for logs and actuator endpoints.
	 * @return the text
	 */
	public String describe() {
		StringBuilder sb = new StringBuilder();
		sb.append(this.name)
			.append(": ")
			.append(this.request)
			.append(" (deadline ")
			.append(this.deadline)
			.append(")\n");
		if (!this.parameters.isEmpty()) {
			sb.append("  parameters ").append(this.parameters).append('\n');
		}
		for (Stage stage : this.stages) {
			sb.append("  stage ")
				.append(stage.index())
				.append(stage.parts().size() > 1 ? " (parallel)" : "")
				.append('\n');
			for (Step step : stage.parts()) {
				sb.append("    ")
					.append(step.name())
					.append(step.required() ? " [required] " : " [optional] ")
					.append(step.provider())
					.append(' ')
					.append(step.call());
				if (!step.dependsOn().isEmpty()) {
					sb.append(" after ").append(step.dependsOn());
				}
				if (step.forEach() != null) {
					sb.append(" for-each ").append(step.forEach()).append(" x").append(step.concurrency());
				}
				sb.append(" expect ")
					.append(step.expect())
					.append(" timeout ")
					.append(step.timeout())
					.append(" attempts ")
					.append(step.maxAttempts())
					.append(" fallback ")
					.append(step.fallback());
				if (step.freshness() != null) {
					sb.append(" freshness ").append(step.freshness());
				}
				if (step.hedge() != null) {
					sb.append(" hedge ").append(step.hedge());
				}
				sb.append('\n');
			}
		}
		if (this.authorize != null) {
			sb.append("  authorize ").append(this.authorize).append('\n');
		}
		return sb.toString();
	}

}
