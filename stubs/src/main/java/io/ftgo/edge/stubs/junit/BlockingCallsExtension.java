package io.ftgo.edge.stubs.junit;

import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Fails the test during which BlockHound caught a blocking call, at once and with the
 * call's stack, however the error travelled afterwards (caught, turned into a 500, or
 * dropped by Reactor leaving a request that never completes).
 *
 * <p>
 * Registered for every test of every module that has {@code stubs} on its test classpath,
 * by JUnit's extension auto-detection ({@code junit-platform.properties} and
 * {@code META-INF/services} of this jar; the build also sets the switch). While a test
 * runs its thread is watched: the first blocking call recorded interrupts it, so a
 * {@code block()}, {@code StepVerifier} or {@code WebTestClient} waiting on the request
 * that lost its error stops waiting, and the test fails with the recorded call in place
 * of the interruption. Calls recorded while no test ran (class set-up, application start,
 * the tail of an earlier test) fail the next test before it starts, or the class when it
 * ends. A test marked {@link BlockingCallsExpected} is neither interrupted nor failed for
 * its calls.
 */
public class BlockingCallsExtension
		implements BeforeEachCallback, AfterEachCallback, AfterAllCallback, TestExecutionExceptionHandler {

	@Override
	public void beforeEach(ExtensionContext context) {
		List<BlockingCalls.Report> earlier = BlockingCalls.drain();
		if (!earlier.isEmpty()) {
			throw BlockingCalls.failure(earlier, "before this test started");
		}
		BlockingCalls.watch(Thread.currentThread(), context.getDisplayName() + " (" + testClass(context) + ")",
				!expected(context));
	}

	@Override
	public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
		if (expected(context)) {
			throw thrown;
		}
		List<BlockingCalls.Report> reports = BlockingCalls.drain();
		if (reports.isEmpty()) {
			throw thrown;
		}
		BlockingCalls.unwatch();
		AssertionError failure = BlockingCalls.failure(reports, "during this test");
		failure.addSuppressed(thrown);
		throw failure;
	}

	@Override
	public void afterEach(ExtensionContext context) {
		BlockingCalls.unwatch();
		List<BlockingCalls.Report> reports = BlockingCalls.drain();
		if (!reports.isEmpty() && !expected(context)) {
			throw BlockingCalls.failure(reports, "during this test");
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		BlockingCalls.unwatch();
		List<BlockingCalls.Report> reports = BlockingCalls.drain();
		if (!reports.isEmpty()) {
			throw BlockingCalls.failure(reports, "after the last test of " + testClass(context) + " ended");
		}
	}

	private static boolean expected(ExtensionContext context) {
		return context.getTestMethod()
			.map((method) -> AnnotationSupport.isAnnotated(method, BlockingCallsExpected.class))
			.orElse(false)
				|| context.getTestClass()
					.map((type) -> AnnotationSupport.isAnnotated(type, BlockingCallsExpected.class))
					.orElse(false);
	}

	private static String testClass(ExtensionContext context) {
		return context.getTestClass().map(Class::getSimpleName).orElse("?");
	}

}
