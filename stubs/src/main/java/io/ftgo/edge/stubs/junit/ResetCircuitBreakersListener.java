package io.ftgo.edge.stubs.junit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;
import org.springframework.util.ClassUtils;

/**
 * Before each test of an {@link EdgeTest} class, closes every circuit breaker of the
 * application under test. Test classes with the same configuration share one application,
 * so without this a test that stops a provider (and so opens its breaker) would turn a
 * later test's answers from that provider into 503s, depending on the order the tests
 * happen to run in. The providers themselves are reset by
 * {@link EdgeTestEnvironmentExtension}; this resets the edge's memory of their failures.
 * A test that wants an open breaker opens it itself.
 * <p>
 * Registered for every Spring test in {@code META-INF/spring.factories}; does nothing for
 * classes without {@code @EdgeTest} or applications without the composition engine.
 */
public class ResetCircuitBreakersListener implements TestExecutionListener, Ordered {

	private static final boolean RESILIENCE4J_PRESENT = ClassUtils.isPresent(
			"io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry",
			ResetCircuitBreakersListener.class.getClassLoader());

	@Override
	public void beforeTestMethod(TestContext testContext) {
		if (!RESILIENCE4J_PRESENT || !AnnotatedElementUtils.hasAnnotation(testContext.getTestClass(), EdgeTest.class)
				|| !testContext.hasApplicationContext()) {
			return;
		}
		ApplicationContext context = testContext.getApplicationContext();
		context.getBeanProvider(CircuitBreakerRegistry.class)
			.forEach((registry) -> registry.getAllCircuitBreakers().forEach(CircuitBreaker::reset));
	}

	@Override
	public int getOrder() {
		// after dependency injection (2000), before the test's own @BeforeEach methods
		return 2500;
	}

}
