package io.ftgo.edge.stubs.junit;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.test;

/**
 * Runs small test classes through the JUnit engine, with BlockHound installed (as in the
 * reactive modules), and proves that a blocking call on a non-blocking thread fails the
 * test that made it, at once and with the call's stack, whether the error is dropped,
 * swallowed or happens before the test starts; and that a test marked
 * {@link BlockingCallsExpected} may provoke one.
 */
class BlockingCallsExtensionTests {

	/** The fixtures run only under these tests (surefire skips nested classes anyway). */
	static volatile boolean running;

	@Test
	void everyTestIsWatched() {
		assertThat(BlockingCalls.watchedTest()).hasValue("everyTestIsWatched() (BlockingCallsExtensionTests)");
	}

	@Test
	void blockingCallWhoseErrorIsDropped_failsTheTestAtOnce_insteadOfWaitingOutItsTimeout() {
		Throwable failure = onlyFailure(DroppedFixture.class);

		assertThat(failure).isInstanceOf(AssertionError.class)
			.hasMessageContaining("BlockHound caught 1 blocking call during this test")
			.hasMessageContaining("Blocking call! java.lang.Thread.sleep")
			.hasMessageContaining("on parallel-")
			.hasMessageContaining("waitsForAnAnswerThatNeverComes() (DroppedFixture)");
		// The blocking call's own stack, down to the code that blocked.
		assertThat(failure.getCause()).isInstanceOf(BlockingOperationError.class);
		assertThat(failure.getCause().getStackTrace())
			.anyMatch((frame) -> frame.getClassName().equals(DroppedFixture.class.getName()));
		// The wait ended by the interrupt, not by its 10-minute timeout.
		assertThat(failure.getSuppressed()).hasSize(1);
		assertThat(failure.getSuppressed()[0]).hasRootCauseInstanceOf(InterruptedException.class);
		assertThat(causes(failure.getSuppressed()[0])).noneMatch(TimeoutException.class::isInstance);
		assertThat(BlockingCalls.drain()).isEmpty();
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	void blockingCallWhoseErrorIsHandled_stillFailsTheTest() {
		Throwable failure = onlyFailure(HandledFixture.class);

		assertThat(failure).isInstanceOf(AssertionError.class)
			.hasMessageContaining("during this test")
			.hasCauseInstanceOf(BlockingOperationError.class);
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	void blockingCallBeforeTheTest_failsItBeforeItStarts() {
		Throwable failure = onlyFailure(BeforeAllFixture.class);

		assertThat(failure).isInstanceOf(AssertionError.class)
			.hasMessageContaining("before this test started")
			.hasMessageContaining("while no test ran")
			.hasCauseInstanceOf(BlockingOperationError.class);
		assertThat(BeforeAllFixture.testBodyRan).isFalse();
	}

	@Test
	void testMarkedBlockingCallsExpected_mayProvokeOne() {
		EngineExecutionResults results = run(ExpectedFixture.class);

		results.testEvents().assertThatEvents().haveExactly(1, event(test(), finishedSuccessfully()));
		assertThat(BlockingCalls.drain()).isEmpty();
	}

	@Test
	void testThatBlocksNothing_passes() {
		EngineExecutionResults results = run(QuietFixture.class);

		results.testEvents().assertThatEvents().haveExactly(1, event(test(), finishedSuccessfully()));
	}

	private static Throwable onlyFailure(Class<?> fixture) {
		EngineExecutionResults results = run(fixture);
		List<Event> failed = results.testEvents().failed().list();
		assertThat(failed).hasSize(1);
		return failed.get(0)
			.getPayload(org.junit.platform.engine.TestExecutionResult.class)
			.flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
			.orElseThrow();
	}

	private static EngineExecutionResults run(Class<?> fixture) {
		// The fixture's tests run on this thread, inside this test: this test's own watch
		// is lifted meanwhile, so that what the fixture provokes is the fixture's alone.
		BlockingCalls.unwatch();
		running = true;
		try {
			return EngineTestKit.engine("junit-jupiter")
				.configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
				.configurationParameter("junit.jupiter.extensions.autodetection.include", "io.ftgo.edge.stubs.junit.*")
				.selectors(selectClass(fixture))
				.execute();
		}
		finally {
			running = false;
			BlockingCalls.watch(Thread.currentThread(), "BlockingCallsExtensionTests", true);
		}
	}

	private static List<Throwable> causes(Throwable error) {
		List<Throwable> causes = new java.util.ArrayList<>();
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			causes.add(cause);
		}
		return causes;
	}

	private static void sleepBriefly() {
		try {
			Thread.sleep(1);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static class DroppedFixture {

		@Test
		void waitsForAnAnswerThatNeverComes() {
			org.junit.jupiter.api.Assumptions.assumeTrue(running);
			// As a request whose handler blocked on an event loop: the error goes to
			// onErrorDropped and the answer never comes.
			Mono<String> answer = Mono.<String>never()
				.doOnSubscribe((subscription) -> Schedulers.parallel().schedule(() -> {
					try {
						sleepBriefly();
					}
					catch (BlockingOperationError ex) {
						Operators.onErrorDropped(ex, Context.empty());
					}
				}));
			answer.block(Duration.ofMinutes(10));
		}

	}

	static class HandledFixture {

		@Test
		void turnsTheErrorIntoAFallback() {
			org.junit.jupiter.api.Assumptions.assumeTrue(running);
			Mono<String> answer = Mono.fromCallable(() -> {
				sleepBriefly();
				return "answer";
			}).subscribeOn(Schedulers.parallel()).onErrorReturn("fallback");
			answer.block(Duration.ofMinutes(10));
		}

	}

	static class BeforeAllFixture {

		static volatile boolean testBodyRan;

		@BeforeAll
		static void blocksDuringSetUp() {
			org.junit.jupiter.api.Assumptions.assumeTrue(running);
			Mono.fromRunnable(BlockingCallsExtensionTests::sleepBriefly)
				.subscribeOn(Schedulers.parallel())
				.onErrorResume((error) -> Mono.empty())
				.block(Duration.ofMinutes(10));
		}

		@Test
		void test() {
			testBodyRan = true;
		}

	}

	@BlockingCallsExpected
	static class ExpectedFixture {

		@Test
		void provokesABlockingCall() {
			org.junit.jupiter.api.Assumptions.assumeTrue(running);
			Mono<Object> blocking = Mono.fromRunnable(BlockingCallsExtensionTests::sleepBriefly)
				.subscribeOn(Schedulers.parallel());
			org.assertj.core.api.Assertions.assertThatThrownBy(() -> blocking.block(Duration.ofMinutes(10)))
				.hasCauseInstanceOf(BlockingOperationError.class);
		}

	}

	static class QuietFixture {

		@Test
		void blocksNothing() {
			org.junit.jupiter.api.Assumptions.assumeTrue(running);
			assertThat(Mono.just("answer").publishOn(Schedulers.parallel()).block(Duration.ofMinutes(10)))
				.isEqualTo("answer");
		}

	}

}
