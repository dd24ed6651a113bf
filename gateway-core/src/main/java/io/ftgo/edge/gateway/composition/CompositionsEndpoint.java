package io.ftgo.edge.gateway.composition;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

import io.ftgo.edge.composition.Composition;
import io.ftgo.edge.composition.CompositionPlan;

/**
 * {@code /actuator/compositions}: the plan of every composed endpoint (stages, what runs
 * in parallel, per-part policy), and {@code /actuator/compositions/{name}} for one.
 * Served on the management port only.
 */
@Endpoint(id = "compositions")
public class CompositionsEndpoint {

	private final Compositions compositions;

	public CompositionsEndpoint(Compositions compositions) {
		this.compositions = compositions;
	}

	@ReadOperation
	public Map<String, CompositionPlan> compositions() {
		Map<String, CompositionPlan> plans = new LinkedHashMap<>();
		this.compositions.forEach((name, composition) -> plans.put(name, composition.explain()));
		return plans;
	}

	@ReadOperation
	public CompositionPlan composition(@Selector String name) {
		Composition composition = this.compositions.get(name);
		return (composition != null) ? composition.explain() : null;
	}

}
