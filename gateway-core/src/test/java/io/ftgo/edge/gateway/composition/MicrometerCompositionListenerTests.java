package io.ftgo.edge.gateway.composition;

import java.time.Duration;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import io.ftgo.edge.composition.FailureReason;
import io.ftgo.edge.composition.PartMetadata;
import io.ftgo.edge.composition.PartStatus;

import static org.assertj.core.api.Assertions.assertThat;

class MicrometerCompositionListenerTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final MicrometerCompositionListener listener = new MicrometerCompositionListener(this.registry);

	@Test
	void eachOutcomeIsTimedUnderItsOwnTags() {
		PartMetadata fresh = new PartMetadata(PartStatus.FRESH, null, null, null, Duration.ofMillis(12), 0, 0);
		PartMetadata stale = new PartMetadata(PartStatus.STALE, FailureReason.TIMEOUT, null, Duration.ofSeconds(30),
				Duration.ofMillis(500), 0, 0);
		this.listener.onPart("order-page", "ticket", "kitchen", fresh);
		this.listener.onPart("order-page", "ticket", "kitchen", fresh);
		this.listener.onPart("order-page", "ticket", "kitchen", stale);
		Timer freshTimer = this.registry.get("edge.composition.part")
			.tags("composition", "order-page", "part", "ticket", "provider", "kitchen", "status", "fresh", "reason",
					"none")
			.timer();
		Timer staleTimer = this.registry.get("edge.composition.part")
			.tags("status", "stale", "reason", FailureReason.TIMEOUT.label())
			.timer();
		assertThat(freshTimer.count()).isEqualTo(2);
		assertThat(freshTimer.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(24);
		assertThat(staleTimer.count()).isEqualTo(1);
		assertThat(this.registry.find("edge.composition.part").timers()).hasSize(2);
	}

	@Test
	void requestsAreCountedByOutcome() {
		this.listener.onError("order-page", null);
		this.listener.onError("order-page", null);
		assertThat(this.registry.get("edge.composition.requests").tags("outcome", "failed").counter().count())
			.isEqualTo(2);
	}

}
