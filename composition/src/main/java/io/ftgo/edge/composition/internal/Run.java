package io.ftgo.edge.composition.internal;

import java.util.Map;

import io.ftgo.edge.composition.CompositionRequest;
import io.ftgo.edge.composition.plan.PlannedComposition;
import io.ftgo.edge.composition.policy.Deadline;
import tools.jackson.databind.JsonNode;

/**
 * One execution's state (internal); raw answers are written before dependents subscribe.
 */
final class Run {

	final PlannedComposition plan;

	final CompositionRequest request;

	final Deadline deadline;

	final JsonNode[] raw;

	final String scope;

	Run(PlannedComposition plan, CompositionRequest request, Deadline deadline) {
		this.plan = plan;
		this.request = request;
		this.deadline = deadline;
		this.raw = new JsonNode[plan.parts().size()];
		this.scope = scope(request);
	}

	/**
	 * Fail-safe identity scope: without an explicit one, a request that carries
	 * credentials or principal attributes is scoped by them (never shared with another
	 * user); only a request with none of these is anonymous.
	 * @param request the request
	 * @return the scope of its calls
	 */
	static String scope(CompositionRequest request) {
		if (request.identityScope() != null) {
			return "scope:" + request.identityScope();
		}
		for (Map.Entry<String, String> header : request.headers().entrySet()) {
			if ("Authorization".equalsIgnoreCase(header.getKey())) {
				return "authorization:" + header.getValue();
			}
		}
		return request.principal().isEmpty() ? "" : "principal:" + request.principal();
	}

}
