package io.ftgo.edge.composition;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Proves BlockHound is active in this module's tests, so the other tests' "nothing
 * blocks" is checked and not assumed.
 */
class BlockHoundTests {

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
