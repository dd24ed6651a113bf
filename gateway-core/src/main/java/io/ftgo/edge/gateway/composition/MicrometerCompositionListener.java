package io.ftgo.edge.gateway.composition;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import io.ftgo.edge.composition.CompositionException;
import io.ftgo.edge.composition.CompositionListener;
import io.ftgo.edge.composition.CompositionResult;
import io.ftgo.edge.composition.FailureReason;
import io.ftgo.edge.composition.PartMetadata;
import io.ftgo.edge.composition.PartStatus;

/**
 * Composition metrics: {@code edge.composition.part} (timer; tags composition, part,
 * provider, status = fresh|stale|default|omitted|partial|failed, reason) says per
 * provider call what happened and which fallback was used;
 * {@code edge.composition.requests} (counter; tags composition, outcome =
 * complete|degraded|failed); {@code edge.composition.refreshes} (counter; tags provider,
 * result = started|succeeded|failed) counts stale-while-revalidate background refreshes.
 * <p>
 * Each meter is registered once, the first time its tags occur, and then found by a map
 * lookup: the request path builds no tags and asks the registry nothing.
 */
public class MicrometerCompositionListener implements CompositionListener {

	private final MeterRegistry registry;

	private final Map<PartKey, Timer> parts = new ConcurrentHashMap<>();

	private final Map<RequestKey, Counter> requests = new ConcurrentHashMap<>();

	private final Map<RequestKey, Counter> refreshes = new ConcurrentHashMap<>();

	public MicrometerCompositionListener(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void onPart(String composition, String part, String provider, PartMetadata metadata) {
		Timer timer = this.parts.computeIfAbsent(
				new PartKey(composition, part, provider, metadata.status(), metadata.reason()),
				(key) -> Timer.builder("edge.composition.part")
					.tag("composition", key.composition())
					.tag("part", key.part())
					.tag("provider", key.provider())
					.tag("status", key.status().label())
					.tag("reason", (key.reason() != null) ? key.reason().label() : "none")
					.register(this.registry));
		timer.record((metadata.duration() != null) ? metadata.duration() : Duration.ZERO);
	}

	@Override
	public void onResult(String composition, CompositionResult result) {
		count(composition, result.complete() ? "complete" : "degraded");
	}

	@Override
	public void onError(String composition, CompositionException error) {
		count(composition, "failed");
	}

	@Override
	public void onRefresh(String provider, Refresh outcome) {
		this.refreshes
			.computeIfAbsent(new RequestKey(provider, outcome.label()),
					(key) -> this.registry.counter("edge.composition.refreshes", "provider", key.composition(),
							"result", key.outcome()))
			.increment();
	}

	private void count(String composition, String outcome) {
		this.requests
			.computeIfAbsent(new RequestKey(composition, outcome),
					(key) -> this.registry.counter("edge.composition.requests", "composition", key.composition(),
							"outcome", key.outcome()))
			.increment();
	}

	private record PartKey(String composition, String part, String provider, PartStatus status, FailureReason reason) {
	}

	private record RequestKey(String composition, String outcome) {
	}

}
