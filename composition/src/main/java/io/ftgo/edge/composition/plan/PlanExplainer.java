package io.ftgo.edge.composition.plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.ftgo.edge.composition.CompositionPlan;
import io.ftgo.edge.composition.ParameterType;
import io.ftgo.edge.composition.policy.ProviderSettings;

/**
 * The explain view of a planned composition (internal): its stages, and per part what it
 * calls, with which protection, and which fallbacks answer for it.
 */
final class PlanExplainer {

	private PlanExplainer() {
	}

	static CompositionPlan explain(String name, String request, Duration deadline, String authorize,
			List<PlannedPart> parts, Map<String, ParameterType> parameterTypes) {
		int stages = parts.stream().mapToInt(PlannedPart::stage).max().orElse(0) + 1;
		List<CompositionPlan.Stage> result = new ArrayList<>();
		for (int s = 0; s < stages; s++) {
			List<CompositionPlan.Step> steps = new ArrayList<>();
			for (PlannedPart part : parts) {
				if (part.stage() != s) {
					continue;
				}
				ProviderSettings p = part.provider();
				List<String> fallback = new ArrayList<>();
				if (part.required()) {
					fallback.add("fail");
				}
				else {
					if (p.keepsLastGood()) {
						fallback.add("stale " + p.staleFor());
					}
					if (part.defaultValue() != null) {
						fallback.add("default");
					}
					fallback.add("omit");
				}
				steps.add(new CompositionPlan.Step(part.name(), p.id(),
						(part.template() != null) ? "GET " + part.template() : "source", part.required(),
						part.dependsOnNames(), (part.forEach() != null) ? part.forEach().text() : null,
						(part.forEach() != null) ? part.concurrency() : 0,
						(part.forEach() != null) ? part.onItemFailure() : null, p.timeout(),
						part.idempotent() ? p.maxAttempts() : 1, part.idempotent(), p.shared(), p.maxConcurrentCalls(),
						List.copyOf(fallback), Map.copyOf(part.projection().mapping()), part.expect().describe(),
						(part.freshness() != null) ? part.freshness().describe() : null,
						(part.idempotent() && p.hedge() != null) ? p.hedge().describe() : null));
			}
			result.add(new CompositionPlan.Stage(s, List.copyOf(steps)));
		}
		Map<String, String> parameters = new LinkedHashMap<>();
		parameterTypes.forEach((parameter, type) -> parameters.put(parameter, type.spec()));
		return new CompositionPlan(name, request.trim(), deadline, (authorize != null) ? authorize.trim() : null,
				List.copyOf(result), java.util.Collections.unmodifiableMap(parameters));
	}

}
