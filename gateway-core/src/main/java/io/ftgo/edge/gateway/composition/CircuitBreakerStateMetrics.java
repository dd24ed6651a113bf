package io.ftgo.edge.gateway.composition;

import java.util.Collection;
import java.util.Locale;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The state of each provider's circuit breaker as
 * {@code resilience4j.circuitbreaker.state{name, state}}: 1 for the state the breaker is
 * in, 0 for the others (the name and shape resilience4j-micrometer uses, so dashboards
 * and alerts keep working if its registry binders replace this). Only the state: call
 * counts per provider are in {@code edge.composition.part}.
 */
final class CircuitBreakerStateMetrics implements MeterBinder {

	private final Collection<CircuitBreaker> breakers;

	CircuitBreakerStateMetrics(Collection<CircuitBreaker> breakers) {
		this.breakers = breakers;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (CircuitBreaker breaker : this.breakers) {
			for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
				Gauge.builder("resilience4j.circuitbreaker.state", breaker, (b) -> (b.getState() == state) ? 1 : 0)
					.description("The state of the circuit breaker (1 in this state, 0 otherwise)")
					.tag("name", breaker.getName())
					.tag("state", state.name().toLowerCase(Locale.ROOT))
					.register(registry);
			}
		}
	}

}
