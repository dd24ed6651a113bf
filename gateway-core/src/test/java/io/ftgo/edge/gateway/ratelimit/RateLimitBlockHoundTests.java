package io.ftgo.edge.gateway.ratelimit;

import java.time.Duration;

import io.ftgo.edge.stubs.junit.BlockingCalls;
import io.ftgo.edge.stubs.junit.BlockingCallsExpected;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Proves BlockHound is active in these tests, so the rate-limit tests running on event
 * loops (in memory and Redis) would fail on any blocking call.
 */
@BlockingCallsExpected
class RateLimitBlockHoundTests {

	@Test
	void everyTestIsWatchedForBlockingCalls() {
		// stubs' BlockingCallsExtension, which fails a test during which BlockHound
		// caught a blocking call, is on for every test of this module.
		assertThat(BlockingCalls.watchedTest())
			.hasValue("everyTestIsWatchedForBlockingCalls() (RateLimitBlockHoundTests)");
	}

	@Test
	void sleepOnParallelScheduler_isReported() {
		Mono<Integer> blocking = Mono.fromCallable(() -> {
			Thread.sleep(1);
			return 1;
		}).subscribeOn(Schedulers.parallel());

		assertThatThrownBy(() -> blocking.block(Duration.ofSeconds(5)))
			.hasCauseInstanceOf(BlockingOperationError.class);
	}

}
