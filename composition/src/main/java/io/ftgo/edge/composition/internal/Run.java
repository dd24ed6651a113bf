package io.ftgo.edge.composition.internal;

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
		this.scope = ProtectedCalls.scope(request);
	}

}
