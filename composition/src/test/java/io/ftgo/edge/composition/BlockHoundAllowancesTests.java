package io.ftgo.edge.composition;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.ftgo.edge.stubs.MutableClock;
import io.ftgo.edge.stubs.junit.BlockingCallsExpected;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.metrics.FixedSizeSlidingWindowMetrics;
import io.github.resilience4j.core.metrics.Metrics;
import io.github.resilience4j.core.metrics.SlidingTimeWindowMetrics;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The library critical sections the tests' BlockHound set-up allows by name (stubs'
 * {@code EdgeBlockHoundIntegration}), each made to block for real on a Reactor thread:
 * the test thread holds the library's own lock until the Reactor thread is parked on it.
 * Allowed, the call completes; the control shows the same wait anywhere else is caught.
 * No sleeps: the test waits for the lock's queue, not for time.
 */
class BlockHoundAllowancesTests {

	@Test
	void countBasedSlidingWindow_recordAndSnapshot_mayWaitForTheirLock() throws Exception {
		FixedSizeSlidingWindowMetrics window = new FixedSizeSlidingWindowMetrics(10);
		ReentrantLock lock = field(window, "lock");

		assertThat(contended(lock, () -> window.record(1, TimeUnit.MILLISECONDS, Metrics.Outcome.ERROR))
			.getNumberOfFailedCalls()).isEqualTo(1);
		assertThat(contended(lock, window::getSnapshot).getTotalNumberOfCalls()).isEqualTo(1);
	}

	@Test
	void timeBasedSlidingWindow_recordAndSnapshot_mayWaitForTheirLock() throws Exception {
		SlidingTimeWindowMetrics window = new SlidingTimeWindowMetrics(10, Clock.systemUTC());
		ReentrantLock lock = field(window, "lock");

		assertThat(contended(lock, () -> window.record(1, TimeUnit.MILLISECONDS, Metrics.Outcome.SUCCESS))
			.getNumberOfSuccessfulCalls()).isEqualTo(1);
		assertThat(contended(lock, window::getSnapshot).getTotalNumberOfCalls()).isEqualTo(1);
	}

	@Test
	void breakerTransitionFromOpenToHalfOpen_mayWaitForItsLock() throws Exception {
		MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
		CircuitBreaker breaker = CircuitBreaker.of("orders",
				CircuitBreakerConfig.custom().waitDurationInOpenState(Duration.ofSeconds(5)).clock(clock).build());
		breaker.transitionToOpenState();
		clock.advance(Duration.ofSeconds(6));
		ReentrantLock lock = field(breaker, "lock");

		assertThat(contended(lock, breaker::tryAcquirePermission)).isTrue();
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
	}

	@Test
	void dnsQueryIds_mayReadTheSystemRandomSource() throws Exception {
		// Netty's per-name-server id space, as its resolver creates it on the event loop
		// for the first query to a name server, then takes and returns an id.
		Class<?> idSpace = Class.forName("io.netty.resolver.dns.DnsQueryIdSpace");
		Constructor<?> create = idSpace.getDeclaredConstructor();
		create.setAccessible(true);
		Method nextId = idSpace.getDeclaredMethod("nextId");
		nextId.setAccessible(true);
		Method pushId = idSpace.getDeclaredMethod("pushId", int.class);
		pushId.setAccessible(true);

		Integer id = onReactorThread(() -> {
			Object ids = create.newInstance();
			int taken = (int) nextId.invoke(ids);
			pushId.invoke(ids, taken);
			return taken;
		}).join();

		assertThat(id).isBetween(0, 65535);
	}

	@Test
	void jacksonFirstUseOfAType_mayWaitForTheDeserializerCacheLock() throws Exception {
		// Two event loops reading their first answer of one type at once: one builds the
		// deserializer under the cache's lock, the other parks on it.
		JsonMapper mapper = JsonMapper.builder().build();
		ReentrantLock lock = field(field(field(mapper, "_deserializationContexts"), "_cache"),
				"_incompleteDeserializersLock");

		assertThat(contended(lock, () -> mapper.readValue("{\"orderId\": 7001}", FirstUse.class).orderId()))
			.isEqualTo(7001L);
	}

	/** A type no mapper has read before this test. */
	record FirstUse(long orderId) {
	}

	@Test
	@BlockingCallsExpected
	void control_theSameWaitOnAnyOtherLock_isCaught() {
		ReentrantLock lock = new ReentrantLock();

		assertThatThrownBy(() -> contended(lock, () -> {
			lock.lock();
			try {
				return "never";
			}
			finally {
				lock.unlock();
			}
		})).hasRootCauseInstanceOf(BlockingOperationError.class);
	}

	@Test
	@BlockingCallsExpected
	void control_readingTheSystemRandomSourceElsewhere_isCaught() {
		assertThatThrownBy(() -> onReactorThread(() -> {
			byte[] bytes = new byte[256];
			new java.security.SecureRandom().nextBytes(bytes);
			return bytes;
		}).join()).hasRootCauseInstanceOf(BlockingOperationError.class);
	}

	/**
	 * Runs {@code call} on a Reactor thread while this thread holds {@code lock}, and
	 * lets go only once that thread is queued on it (so it parks, or BlockHound stops
	 * it).
	 */
	private static <T> T contended(ReentrantLock lock, Callable<T> call) throws Exception {
		CompletableFuture<T> result;
		lock.lock();
		try {
			result = onReactorThread(call);
			while (!lock.hasQueuedThreads() && !result.isDone()) {
				Thread.onSpinWait();
			}
		}
		finally {
			lock.unlock();
		}
		return result.join();
	}

	private static <T> CompletableFuture<T> onReactorThread(Callable<T> call) {
		return Mono.fromCallable(call).subscribeOn(Schedulers.parallel()).toFuture();
	}

	@SuppressWarnings("unchecked")
	private static <T> T field(Object target, String name) throws ReflectiveOperationException {
		for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
			try {
				Field field = type.getDeclaredField(name);
				field.setAccessible(true);
				return (T) field.get(target);
			}
			catch (NoSuchFieldException ex) {
				// look further up
			}
		}
		throw new NoSuchFieldException(name);
	}

}
