package io.ftgo.edge.gateway.composition;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import io.ftgo.edge.composition.CompositionException;
import io.ftgo.edge.composition.CompositionListener;
import io.ftgo.edge.composition.CompositionResult;
import io.ftgo.edge.composition.PartMetadata;

/**
 * Composition metrics: {@code edge.composition.part} (timer; tags composition, part,
 * provider, status = fresh|stale|default|omitted|partial|failed, reason) says per
 * provider call what happened and which fallback was used;
 * {@code edge.composition.requests} (counter; tags composition, outcome =
 * complete|degraded|failed).
 */
public class MicrometerCompositionListener implements CompositionListener {

	private final MeterRegistry registry;

	public MicrometerCompositionListener(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void onPart(String composition, String part, String provider, PartMetadata metadata) {
		Timer.builder("edge.composition.part")
			.tag("composition", composition)
			.tag("part", part)
			.tag("provider", provider)
			.tag("status", metadata.status().label())
			.tag("reason", (metadata.reason() != null) ? metadata.reason().label() : "none")
			.register(this.registry)
			.record((metadata.duration() != null) ? metadata.duration() : Duration.ZERO);
	}

	@Override
	public void onResult(String composition, CompositionResult result) {
		this.registry
			.counter("edge.composition.requests", "composition", composition, "outcome",
					result.complete() ? "complete" : "degraded")
			.increment();
	}

	@Override
	public void onError(String composition, CompositionException error) {
		this.registry.counter("edge.composition.requests", "composition", composition, "outcome", "failed").increment();
	}

}
