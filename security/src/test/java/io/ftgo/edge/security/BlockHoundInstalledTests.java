package io.ftgo.edge.security;

import java.time.Duration;

import io.ftgo.edge.stubs.junit.BlockingCalls;
import io.ftgo.edge.stubs.junit.BlockingCallsExpected;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Proves BlockHound is active in this module's tests, so "nothing blocks" is checked. */
@BlockingCallsExpected
class BlockHoundInstalledTests {

	@Test
	void everyTestIsWatchedForBlockingCalls() {
		// stubs' BlockingCallsExtension, which fails a test during which BlockHound
		// caught a blocking call, is on for every test of this module.
		assertThat(BlockingCalls.watchedTest())
			.hasValue("everyTestIsWatchedForBlockingCalls() (BlockHoundInstalledTests)");
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
