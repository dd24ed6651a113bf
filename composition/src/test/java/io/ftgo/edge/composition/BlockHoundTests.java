package io.ftgo.edge.composition;

import java.time.Duration;

import io.ftgo.edge.stubs.junit.BlockingCalls;
import io.ftgo.edge.stubs.junit.BlockingCallsExpected;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves BlockHound is active in this module's tests, so the other tests' "nothing
 * blocks" is checked and not assumed. Marked {@link BlockingCallsExpected}: it blocks on
 * purpose.
 */
@BlockingCallsExpected
class BlockHoundTests {

	@Test
	void everyTestIsWatchedForBlockingCalls() {
		// stubs' BlockingCallsExtension, which fails a test during which BlockHound
		// caught a blocking call, is on for every test of this module.
		assertThat(BlockingCalls.watchedTest()).hasValue("everyTestIsWatchedForBlockingCalls() (BlockHoundTests)");
	}

	@Test
	void blockingOnAReactorThread_isDetected() {
		Mono<Long> blocking = Mono.delay(Duration.ofMillis(1)).doOnNext((tick) -> {
			try {
				Thread.sleep(1);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});

		StepVerifier.create(blocking)
			.expectErrorMatches((error) -> error instanceof BlockingOperationError
					|| error.getCause() instanceof BlockingOperationError)
			.verify(Duration.ofSeconds(5));
	}

}
