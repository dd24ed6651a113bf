package io.ftgo.edge.stubs.junit;

import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.blockhound.integration.BlockHoundIntegration;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Operators;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The edge's BlockHound set-up for every test JVM that installs BlockHound (the
 * {@code blockhound-junit-platform} dependency of the reactive modules; loaded through
 * {@code META-INF/services}):
 * <ul>
 * <li>every blocking call caught is recorded in {@link BlockingCalls} with its stack, and
 * still thrown, so {@link BlockingCallsExtension} fails the test that caused it even when
 * the error is swallowed or dropped on its way;</li>
 * <li>errors Reactor drops ({@code onErrorDropped}) that carry a blocking call are marked
 * as dropped in their report, which fails the test (the others are logged as Reactor does
 * by default);</li>
 * <li>the few blocking calls allowed, each by name with the reason: only library critical
 * sections that are bounded and never wait on I/O. Nothing of the edge's own code is
 * allowed: its blocking calls are removed.</li>
 * </ul>
 * Applied after the libraries' own integrations (Reactor, Netty, Spring), so its callback
 * is the one BlockHound calls.
 */
public class EdgeBlockHoundIntegration implements BlockHoundIntegration {

	private static final Logger dropped = Loggers.getLogger(Operators.class);

	@Override
	public void applyTo(BlockHound.Builder builder) {
		allowBoundedLibraryCriticalSections(builder);
		builder.blockingMethodCallback((method) -> {
			BlockingOperationError error = new BlockingOperationError(method);
			BlockingCalls.record(error);
			throw error;
		});
		Hooks.onErrorDropped(EdgeBlockHoundIntegration::onErrorDropped);
	}

	static void allowBoundedLibraryCriticalSections(BlockHound.Builder builder) {
		// resilience4j's circuit-breaker sliding windows guard their ring of counters
		// with
		// a ReentrantLock held for a few array updates (no I/O, no callbacks): two event
		// loops recording an outcome on one breaker at once make one park for that long.
		// getSnapshot takes the same lock (breaker state reads, the Micrometer gauges).
		for (String window : new String[] { "io.github.resilience4j.core.metrics.FixedSizeSlidingWindowMetrics",
				"io.github.resilience4j.core.metrics.SlidingTimeWindowMetrics" }) {
			builder.allowBlockingCallsInside(window, "record");
			builder.allowBlockingCallsInside(window, "getSnapshot");
		}
		// The breaker's OPEN -> HALF_OPEN transition, taken by the first call after the
		// wait in the open state, holds the breaker's ReentrantLock while it swaps the
		// state object and publishes the transition event (no consumer of it blocks: the
		// edge registers none, the Micrometer binders listen to call events only).
		// Concurrent first calls park for that long. (The bulkhead never waits: its
		// max-wait-duration is zero, and its semaphore's tryAcquire(0) does not park.
		// Retries take no lock.)
		builder.allowBlockingCallsInside(
				"io.github.resilience4j.circuitbreaker.internal.CircuitBreakerStateMachine$OpenState",
				"toHalfOpenState");
		// Netty's DNS resolver draws query ids from a SecureRandom (recent 4.2 releases,
		// against cache poisoning). Linux's NativePRNG refills a small buffer from
		// /dev/urandom, which never waits for entropy once the system is up: a bounded
		// read of a few bytes. Netty's own integration allows the same two methods in
		// releases after 4.2.15 (netty/netty#16896); drop these lines once the Netty
		// version has them. Seeding off the loop at start-up would not help: the reads
		// recur whenever the buffer runs out.
		builder.allowBlockingCallsInside("io.netty.resolver.dns.DnsQueryIdSpace", "nextId");
		builder.allowBlockingCallsInside("io.netty.resolver.dns.DnsQueryIdSpace$DnsQueryIdRange", "pushId");
		// Jackson builds a type's deserializer on its first use and holds the cache's
		// ReentrantLock meanwhile (introspection of one class, no I/O): two event loops
		// reading their first answer of one type at once make one park for that long,
		// once per type and mapper. Seen when two providers' first answers arrive
		// together.
		builder.allowBlockingCallsInside("tools.jackson.databind.deser.DeserializerCache",
				"_createAndCacheValueDeserializer");
	}

	private static void onErrorDropped(Throwable error) {
		Throwable blocking = blockingCall(error);
		if (blocking != null) {
			// Not logged: the test it happened in fails with it (BlockingCallsExtension).
			BlockingCalls.recordDropped(error, blocking);
			return;
		}
		// A hook replaces Reactor's default, which only logs: keep its log line.
		dropped.error("Operator called default onErrorDropped", error);
	}

	private static Throwable blockingCall(Throwable error) {
		int depth = 0;
		for (Throwable cause = error; cause != null && depth < 32; cause = cause.getCause(), depth++) {
			if (cause instanceof BlockingOperationError) {
				return cause;
			}
			for (Throwable suppressed : cause.getSuppressed()) {
				if (suppressed instanceof BlockingOperationError) {
					return suppressed;
				}
			}
		}
		return null;
	}

	/** Last, after the libraries' integrations, so that its callback wins. */
	@Override
	public int getPriority() {
		return Integer.MAX_VALUE;
	}

}
