package io.ftgo.edge.security;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Proves BlockHound is active in this module's tests, so "nothing blocks" is checked. */
class BlockHoundInstalledTests {

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
