package io.ftgo.edge.gateway.shedding;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntUnaryOperator;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limiter.AbstractLimiter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped limiter (gradient2, partitions, the default sampling and warm-up) driven by
 * a discrete-time load on a clock the test controls: no shedding below capacity through
 * GC pauses and a cold start, shedding under real overload. Deterministic: every latency
 * is computed, nothing is timed.
 */
class LimiterBelowCapacityTests {

	static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

	static EdgeConcurrencyProperties properties(int minLimit, Duration sampleWindow, int percentile, Duration warmUp) {
		EdgeConcurrencyProperties properties = new EdgeConcurrencyProperties(true, "gradient2", Math.max(100, minLimit),
				minLimit, 1000, Duration.ofSeconds(1), "bypass", null, null, List.of(), List.of("/actuator/**"),
				sampleWindow, percentile, warmUp);
		properties.validate();
		return properties;
	}

	/** The defaults: sample-window 1s, its median, warm-up 30s. */
	static EdgeConcurrencyProperties shipped() {
		return properties(20, Duration.ofSeconds(1), 50, Duration.ofSeconds(30));
	}

	@Test
	void gcPausesAtModestLoad_nothingShed() {
		// 1000 requests/s of 5 ms (5 in flight); every second a 60 ms stop-the-world
		// pause: the requests in flight take 60 ms longer, and the 60 that arrived during
		// it are accepted together when it ends.
		Run run = new Run(shipped(), 1, (inFlight) -> 5).pauses(1000, 60).run(60_000);
		// (the arrivals of the last pause are still waiting when the run ends)
		assertThat(run.admitted).isEqualTo(60_000 - 60);
		assertThat(run.rejected).isZero();
	}

	@Test
	void longGcPauses_pileUpAboveTheLimit_minLimitSizedToThem_nothingShed() {
		// 150 ms pauses at 1000 requests/s of 20 ms: 170 requests in flight at once when
		// a pause ends. Any concurrency limit below that sheds them, however it samples;
		// a min-limit sized to the pile-up (rate x longest pause + in flight) does not.
		Run small = new Run(shipped(), 1, (inFlight) -> 20).pauses(1000, 150).run(60_000);
		assertThat(small.rejected).isPositive();
		Run sized = new Run(properties(250, Duration.ofSeconds(1), 50, Duration.ofSeconds(30)), 1, (inFlight) -> 20)
			.pauses(1000, 150)
			.run(60_000);
		assertThat(sized.rejected).isZero();
	}

	@Test
	void halfTheKnee_shippedFloorOf200_nothingShed() {
		// The shipped BFFs' floor (min-limit 200): 3,000 requests/s (above half the plain
		// route's knee, 2,448) of 2 ms, a 50 ms pause every second: 150 arrive during
		// each
		// pause and are accepted together with the 6 in flight. The old floor of 20 sheds
		// them; 200 does not.
		Run old = new Run(shipped(), 3, (inFlight) -> 2).pauses(1000, 50).run(60_000);
		assertThat(old.rejected).isPositive();
		Run sized = new Run(properties(200, Duration.ofSeconds(1), 50, Duration.ofSeconds(30)), 3, (inFlight) -> 2)
			.pauses(1000, 50)
			.run(60_000);
		assertThat(sized.rejected).isZero();
	}

	@Test
	void coldStart_slowRequestsForTwentySeconds_nothingShed() {
		// A cold BFF: after 2 s, for 20 s every request takes 30 ms (JIT, cold caches, a
		// CPU shared with other cold processes), then 5 ms; 1000 requests/s with a 60 ms
		// pause every second.
		Run run = cold(shipped(), 30);
		assertThat(run.rejected).isZero();
	}

	@Test
	void coldStart_shortWindowsOfAveragesWithoutWarmUp_shed() {
		// The same start with the sampling the edge had before (100 ms windows of
		// averages, no warm-up): gradient2 reads the slow start as queueing, drives the
		// limit to the floor of its range and then sheds the next pauses' arrivals.
		Run run = cold(properties(20, Duration.ofMillis(100), 0, Duration.ZERO), 30);
		assertThat(run.rejected).isGreaterThan(1000);
	}

	@Test
	void realOverload_stillShed() {
		// A provider serving 20 at a time in 10 ms (2000/s): a request's latency grows
		// with the queue ahead of it. 4 requests per ms = 2x capacity, warm-up included:
		// the limit falls, the excess is shed and in-flight stays bounded.
		Run run = new Run(shipped(), 4, (inFlight) -> 10 * Math.max(1, (inFlight + 19) / 20)).run(90_000);
		assertThat(run.rejected).isPositive();
		assertThat(run.limiter.getLimit()).isLessThan(250);
		assertThat(run.maxInFlightLate).isLessThan(250);
	}

	@Test
	void realOverload_minLimitSizedToPauses_stillShed() {
		Run run = new Run(properties(250, Duration.ofSeconds(1), 50, Duration.ofSeconds(30)), 8,
				(inFlight) -> 10 * Math.max(1, (inFlight + 19) / 20))
			.run(90_000);
		assertThat(run.rejected).isPositive();
		assertThat(run.maxInFlightLate).isLessThan(500);
	}

	static Run cold(EdgeConcurrencyProperties properties, int coldMs) {
		AtomicLong now = new AtomicLong();
		return new Run(properties, 1, (inFlight) -> (now.get() >= 2000 && now.get() < 22_000) ? coldMs : 5, now)
			.pauses(1000, 60)
			.run(60_000);
	}

	/** A load on a millisecond clock. */
	static final class Run {

		final AtomicLong now;

		final AbstractLimiter<String> limiter;

		final int perMs;

		final IntUnaryOperator latencyMs;

		final PriorityQueue<long[]> ends = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));

		final java.util.Map<Long, Limiter.Listener> listeners = new java.util.HashMap<>();

		long every = Long.MAX_VALUE;

		long pauseMs;

		long admitted;

		long rejected;

		long seq;

		int maxInFlightLate;

		long lateFrom = Long.MAX_VALUE;

		Run(EdgeConcurrencyProperties properties, int perMs, IntUnaryOperator latencyMs) {
			this(properties, perMs, latencyMs, new AtomicLong());
		}

		Run(EdgeConcurrencyProperties properties, int perMs, IntUnaryOperator latencyMs, AtomicLong now) {
			this.now = now;
			this.perMs = perMs;
			this.latencyMs = latencyMs;
			this.limiter = ConcurrencyLimiters.build(properties, "test", () -> now.get() * MS);
		}

		Run pauses(long everyMs, long pauseMs) {
			this.every = everyMs;
			this.pauseMs = pauseMs;
			return this;
		}

		Run run(long durationMs) {
			this.lateFrom = durationMs / 2;
			int backlog = 0;
			for (long t = 0; t < durationMs; t++) {
				this.now.set(t);
				boolean paused = (t % this.every) >= this.every - this.pauseMs && this.every != Long.MAX_VALUE;
				if (paused) {
					// Nothing runs: arrivals wait in the socket backlog, answers are
					// late.
					backlog += this.perMs;
					continue;
				}
				while (!this.ends.isEmpty() && this.ends.peek()[0] <= t) {
					this.listeners.remove(this.ends.poll()[1]).onSuccess();
				}
				for (int i = 0; i < backlog + this.perMs; i++) {
					arrive(t);
				}
				backlog = 0;
				if (t >= this.lateFrom) {
					this.maxInFlightLate = Math.max(this.maxInFlightLate, this.listeners.size());
				}
			}
			return this;
		}

		private void arrive(long t) {
			Optional<Limiter.Listener> listener = this.limiter.acquire("default");
			if (listener.isEmpty()) {
				this.rejected++;
				return;
			}
			this.admitted++;
			long id = this.seq++;
			this.listeners.put(id, listener.get());
			this.ends.add(new long[] { t + Math.max(1, this.latencyMs.applyAsInt(this.listeners.size())), id });
		}

	}

}
