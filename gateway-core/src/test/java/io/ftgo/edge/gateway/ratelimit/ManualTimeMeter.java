package io.ftgo.edge.gateway.ratelimit;

import java.time.Duration;
import java.time.Instant;

import io.github.bucket4j.TimeMeter;

/**
 * Bucket4j's time source for tests: a wall clock the test moves by hand (wall-clock
 * based, so Redis buckets accept it too). Buckets refill by it, without sleeping.
 */
final class ManualTimeMeter implements TimeMeter {

	private volatile long nanos;

	ManualTimeMeter(Instant start) {
		this.nanos = start.getEpochSecond() * 1_000_000_000L + start.getNano();
	}

	void advance(Duration duration) {
		this.nanos += duration.toNanos();
	}

	@Override
	public long currentTimeNanos() {
		return this.nanos;
	}

	@Override
	public boolean isWallClockBased() {
		return true;
	}

}
