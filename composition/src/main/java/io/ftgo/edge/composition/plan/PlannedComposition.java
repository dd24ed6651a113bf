package io.ftgo.edge.composition.plan;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.ftgo.edge.composition.CompositionPlan;
import io.ftgo.edge.composition.ParameterType;

/**
 * A validated composition (internal).
 *
 * @param name the composition name
 * @param request the endpoint
 * @param requestParameters request parameters parts reference
 * @param parts parts in definition (output) order
 * @param order part indexes in topological order
 * @param deadline the request deadline
 * @param authorization the ownership check or {@code null}
 * @param plan the explain view
 * @param parameterTypes the type of every request parameter (path variables and listed
 * query names)
 */
public record PlannedComposition(String name, String request, Set<String> requestParameters, List<PlannedPart> parts,
		int[] order, Duration deadline, Authorization authorization, CompositionPlan plan,
		Map<String, ParameterType> parameterTypes) {
}
