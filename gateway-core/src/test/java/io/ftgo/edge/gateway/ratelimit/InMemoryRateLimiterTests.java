package io.ftgo.edge.gateway.ratelimit;

import io.ftgo.edge.stubs.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import io.ftgo.edge.gateway.ratelimit.RateLimiter.Decision;
import io.ftgo.edge.gateway.ratelimit.RateLimiter.Tier;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryRateLimiterTests {

	static final Instant WINDOW_START = Instant.parse("2026-11-22T10:00:00Z");

	final MutableClock clock = new MutableClock(WINDOW_START);

	final InMemoryRateLimiter limiter = new InMemoryRateLimiter(1000, Duration.ofMinutes(1), this.clock);

	final Tier threePerMinute = new Tier("standard", 3, Duration.ofMinutes(1));

	@Test
	void tryAcquire_withinLimit_allowedWithCountdown() {
		List<Decision> decisions = Flux.range(0, 3)
			.concatMap((i) -> this.limiter.tryAcquire("sub:1001", this.threePerMinute))
			.collectList()
			.block();

		assertThat(decisions).extracting(Decision::allowed).containsExactly(true, true, true);
		assertThat(decisions).extracting(Decision::remaining).containsExactly(2, 1, 0);
		assertThat(decisions).extracting(Decision::limit).containsOnly(3);
	}

	@Test
	void tryAcquire_beyondLimit_deniedUntilWindowEnds() {
		exhaust("sub:1001");
		this.clock.advance(Duration.ofSeconds(20));

		Decision denied = this.limiter.tryAcquire("sub:1001", this.threePerMinute).block();

		assertThat(denied.allowed()).isFalse();
		assertThat(denied.remaining()).isZero();
		assertThat(denied.resetAfter()).isEqualTo(Duration.ofSeconds(40));
		assertThat(denied.resetSeconds()).isEqualTo(40);
	}

	@Test
	void tryAcquire_nextWindow_budgetRestored() {
		exhaust("sub:1001");
		this.clock.advance(Duration.ofMinutes(1));

		Decision decision = this.limiter.tryAcquire("sub:1001", this.threePerMinute).block();

		assertThat(decision.allowed()).isTrue();
		assertThat(decision.remaining()).isEqualTo(2);
		assertThat(decision.resetAfter()).isEqualTo(Duration.ofMinutes(1));
	}

	@Test
	void tryAcquire_otherKey_independentBudget() {
		exhaust("sub:1001");

		Decision other = this.limiter.tryAcquire("sub:1002", this.threePerMinute).block();

		assertThat(other.allowed()).isTrue();
		assertThat(other.remaining()).isEqualTo(2);
	}

	@Test
	void resetSeconds_partialSecond_roundsUpToAtLeastOne() {
		this.clock.advance(Duration.ofMillis(59_999));

		Decision decision = this.limiter.tryAcquire("sub:1001", this.threePerMinute).block();

		assertThat(decision.resetAfter()).isEqualTo(Duration.ofMillis(1));
		assertThat(decision.resetSeconds()).isEqualTo(1);
	}

	@Test
	void tryAcquire_200ConcurrentOnOneKeyLimit50_exactly50Allowed() {
		Tier fiftyPerHour = new Tier("standard", 50, Duration.ofHours(1));
		InMemoryRateLimiter shared = new InMemoryRateLimiter(1000, Duration.ofHours(1), this.clock);

		List<Decision> decisions = Flux.range(0, 200)
			.parallel(8)
			.runOn(Schedulers.parallel())
			.flatMap((i) -> shared.tryAcquire("client:partner-ajanta", fiftyPerHour))
			.sequential()
			.collectList()
			.block(Duration.ofSeconds(10));

		assertThat(decisions).hasSize(200);
		assertThat(decisions).filteredOn(Decision::allowed).hasSize(50);
		assertThat(decisions).filteredOn(Decision::allowed)
			.extracting(Decision::remaining)
			.containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, 50).boxed().toList());
	}

	private void exhaust(String key) {
		for (int i = 0; i < 3; i++) {
			assertThat(this.limiter.tryAcquire(key, this.threePerMinute).block().allowed()).isTrue();
		}
	}

}
