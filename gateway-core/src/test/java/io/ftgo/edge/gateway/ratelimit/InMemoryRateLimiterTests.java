package io.ftgo.edge.gateway.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import io.ftgo.edge.gateway.ratelimit.RateLimiter.Decision;
import io.ftgo.edge.gateway.ratelimit.RateLimiter.Tier;

import static org.assertj.core.api.Assertions.assertThat;

/** Token buckets in memory, on a clock the test moves. */
class InMemoryRateLimiterTests {

	/** A fixed-window boundary would fall on this second. */
	static final Instant START = Instant.parse("2026-11-22T10:00:00Z");

	final ManualTimeMeter time = new ManualTimeMeter(START);

	final InMemoryRateLimiter limiter = new InMemoryRateLimiter(1000, Duration.ofMinutes(1), this.time);

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
		// until the bucket is full again: one token takes 20s to come back
		assertThat(decisions).extracting(Decision::resetAfter)
			.containsExactly(Duration.ofSeconds(20), Duration.ofSeconds(40), Duration.ofSeconds(60));
		assertThat(decisions).extracting(Decision::retryAfter).containsOnly(Duration.ZERO);
	}

	@Test
	void tryAcquire_beyondLimit_deniedUntilNextToken() {
		exhaust("sub:1001");
		this.time.advance(Duration.ofSeconds(5));

		Decision denied = this.limiter.tryAcquire("sub:1001", this.threePerMinute).block();

		assertThat(denied.allowed()).isFalse();
		assertThat(denied.remaining()).isZero();
		assertThat(denied.retryAfter()).isEqualTo(Duration.ofSeconds(15));
		assertThat(denied.retryAfterSeconds()).isEqualTo(15);
		assertThat(denied.resetAfter()).isEqualTo(Duration.ofSeconds(55));
		assertThat(denied.resetSeconds()).isEqualTo(55);
	}

	@Test
	void tryAcquire_refilledGreedily_oneTokenPerLimitthOfTheWindow() {
		exhaust("sub:1001");
		this.time.advance(Duration.ofSeconds(20));

		Decision oneBack = this.limiter.tryAcquire("sub:1001", this.threePerMinute).block();
		Decision none = this.limiter.tryAcquire("sub:1001", this.threePerMinute).block();

		assertThat(oneBack.allowed()).isTrue();
		assertThat(oneBack.remaining()).isZero();
		assertThat(none.allowed()).isFalse();
	}

	@Test
	void tryAcquire_afterAWholeWindow_bucketFullAgain() {
		exhaust("sub:1001");
		this.time.advance(Duration.ofMinutes(5));

		List<Decision> decisions = IntStream.range(0, 4)
			.mapToObj((i) -> this.limiter.tryAcquire("sub:1001", this.threePerMinute).block())
			.toList();

		assertThat(decisions).extracting(Decision::allowed).containsExactly(true, true, true, false);
		assertThat(decisions.get(0).remaining()).isEqualTo(2);
	}

	@Test
	void tryAcquire_otherKey_independentBudget() {
		exhaust("sub:1001");

		Decision other = this.limiter.tryAcquire("sub:1002", this.threePerMinute).block();

		assertThat(other.allowed()).isTrue();
		assertThat(other.remaining()).isEqualTo(2);
	}

	@Test
	void tryAcquire_otherTierOfSameKey_ownBucket() {
		exhaust("client:partner-ajanta");

		Decision premium = this.limiter
			.tryAcquire("client:partner-ajanta", new Tier("premium", 5, Duration.ofMinutes(1)))
			.block();

		assertThat(premium.allowed()).isTrue();
		assertThat(premium.remaining()).isEqualTo(4);
	}

	@Test
	void resetSeconds_partialSecond_roundsUpToAtLeastOne() {
		Tier thousandPerSecond = new Tier("premium", 1000, Duration.ofSeconds(1));

		Decision decision = this.limiter.tryAcquire("sub:1001", thousandPerSecond).block();

		assertThat(decision.resetAfter()).isEqualTo(Duration.ofMillis(1));
		assertThat(decision.resetSeconds()).isEqualTo(1);
	}

	/**
	 * The burst a fixed window allows: the whole limit just before a window boundary and
	 * the whole limit again just after it (2 x limit within a few milliseconds). A token
	 * bucket gives the second burst only what was refilled in between.
	 */
	@Test
	void tryAcquire_limitJustBeforeAndJustAfterAWindowBoundary_secondBurstRefused() {
		Tier tenPerSecond = new Tier("standard", 10, Duration.ofSeconds(1));
		this.time.advance(Duration.ofMillis(999));

		long before = IntStream.range(0, 10)
			.filter((i) -> this.limiter.acquire("client:greedy", tenPerSecond).allowed())
			.count();
		this.time.advance(Duration.ofMillis(2));
		long after = IntStream.range(0, 10)
			.filter((i) -> this.limiter.acquire("client:greedy", tenPerSecond).allowed())
			.count();

		assertThat(before).isEqualTo(10);
		assertThat(after).isZero();
	}

	/**
	 * A client that tries three requests every 10 ms for five windows, through every
	 * window boundary: in no interval does it get more than the limit plus what the
	 * interval refills ({@code limit + limit * length / window}), so never more than the
	 * limit in one burst; and it is served at the tier's rate.
	 */
	@Test
	void tryAcquire_greedyClientThroughWindowBoundaries_neverMoreThanLimitPlusRefill() {
		for (int limit : new int[] { 1, 3, 10, 50 }) {
			// starts mid-window: a fixed window would serve a burst before and after
			// each boundary
			ManualTimeMeter clock = new ManualTimeMeter(START.plusMillis(505));
			InMemoryRateLimiter limiter = new InMemoryRateLimiter(1000, Duration.ofSeconds(1), clock);
			Tier tier = new Tier("standard", limit, Duration.ofSeconds(1));
			long windowNanos = tier.window().toNanos();
			List<Long> admitted = new java.util.ArrayList<>();
			for (int step = 0; step < 500; step++) {
				for (int i = 0; i < 3; i++) {
					if (limiter.acquire("client:greedy", tier).allowed()) {
						admitted.add(clock.currentTimeNanos());
					}
				}
				clock.advance(Duration.ofMillis(10));
			}
			for (int from = 0; from < admitted.size(); from++) {
				for (int to = from; to < admitted.size(); to++) {
					long length = admitted.get(to) - admitted.get(from);
					long allowed = limit + (limit * length) / windowNanos;
					assertThat(to - from + 1L).as("limit %d, admitted within %d ns", limit, length)
						.isLessThanOrEqualTo(allowed);
				}
			}
			// five windows: the first burst plus one window's refill per window
			assertThat(admitted).as("limit %d", limit).hasSizeBetween(5 * limit, 6 * limit);
		}
	}

	@Test
	void tryAcquire_200ConcurrentOnOneKeyLimit50_exactly50Allowed() {
		Tier fiftyPerHour = new Tier("standard", 50, Duration.ofHours(1));
		InMemoryRateLimiter shared = new InMemoryRateLimiter(1000, Duration.ofHours(1), this.time);

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
			.containsExactlyInAnyOrderElementsOf(IntStream.range(0, 50).boxed().toList());
	}

	private void exhaust(String key) {
		for (int i = 0; i < 3; i++) {
			assertThat(this.limiter.tryAcquire(key, this.threePerMinute).block().allowed()).isTrue();
		}
	}

}
