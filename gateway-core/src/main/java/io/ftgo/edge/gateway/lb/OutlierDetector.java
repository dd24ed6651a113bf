package io.ftgo.edge.gateway.lb;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Outlier ejection for the instances of one provider, in the manner of Envoy's
 * {@code consecutive_5xx}: after {@code consecutiveFailures} 5xx answers or connect
 * failures in a row an instance is ejected for {@code baseEjectionTime} times the number
 * of times it has been ejected (at most {@code maxEjectionTime}), then returns by itself;
 * an ejection that would take more than {@code maxEjectionPercent} of the instances out
 * does not happen, so a provider failing everywhere is left to its circuit breaker. Any
 * success resets the count. Thread-safe; time from the given clock.
 */
public final class OutlierDetector {

	private final EdgeLoadBalancingProperties.OutlierEjection settings;

	private final Clock clock;

	private final Map<String, State> states = new ConcurrentHashMap<>();

	private volatile int knownInstances;

	private final BiConsumer<String, Boolean> onEjection;

	public OutlierDetector(EdgeLoadBalancingProperties.OutlierEjection settings, Clock clock,
			BiConsumer<String, Boolean> onEjection) {
		this.settings = settings;
		this.clock = clock;
		this.onEjection = onEjection;
	}

	/** The instances not ejected now (all of them if none is ejected). */
	public List<ServiceInstance> available(List<ServiceInstance> instances) {
		this.knownInstances = instances.size();
		Instant now = this.clock.instant();
		List<ServiceInstance> available = new ArrayList<>(instances.size());
		for (ServiceInstance instance : instances) {
			State state = this.states.get(key(instance));
			if (state == null || !state.ejectedAt(now)) {
				available.add(instance);
			}
		}
		return available;
	}

	public void success(ServiceInstance instance) {
		State state = this.states.get(key(instance));
		if (state != null) {
			synchronized (state) {
				state.consecutiveFailures = 0;
			}
		}
	}

	public void failure(ServiceInstance instance) {
		String key = key(instance);
		State state = this.states.computeIfAbsent(key, (k) -> new State());
		Instant now = this.clock.instant();
		boolean ejected = false;
		synchronized (this) {
			synchronized (state) {
				if (state.ejectedAt(now)) {
					return;
				}
				state.consecutiveFailures++;
				if (state.consecutiveFailures >= this.settings.consecutiveFailures() && ejectionAllowed(now)) {
					state.ejections++;
					Duration time = this.settings.baseEjectionTime().multipliedBy(state.ejections);
					if (time.compareTo(this.settings.maxEjectionTime()) > 0) {
						time = this.settings.maxEjectionTime();
					}
					state.ejectedUntil = now.plus(time);
					state.consecutiveFailures = 0;
					ejected = true;
				}
			}
		}
		if (ejected) {
			this.onEjection.accept(key, true);
		}
	}

	/** Whether an instance is ejected now (for metrics). */
	public boolean ejected(String instanceKey) {
		State state = this.states.get(instanceKey);
		return state != null && state.ejectedAt(this.clock.instant());
	}

	private boolean ejectionAllowed(Instant now) {
		int total = Math.max(this.knownInstances, 1);
		long ejectedNow = this.states.values().stream().filter((s) -> s.ejectedAt(now)).count();
		return (ejectedNow + 1) * 100 <= (long) this.settings.maxEjectionPercent() * total;
	}

	static String key(ServiceInstance instance) {
		return instance.getHost() + ":" + instance.getPort();
	}

	private static final class State {

		int consecutiveFailures;

		int ejections;

		volatile Instant ejectedUntil;

		boolean ejectedAt(Instant now) {
			Instant until = this.ejectedUntil;
			return until != null && now.isBefore(until);
		}

	}

}
