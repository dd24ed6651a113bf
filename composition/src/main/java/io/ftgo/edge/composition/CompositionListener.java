package io.ftgo.edge.composition;

import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Hook for metrics, logs and {@code Server-Timing}: called once per part outcome and once
 * per request. Called on the thread that produced the outcome (often a Reactor or Netty
 * thread): implementations must be fast and must not block. Exceptions thrown here are
 * swallowed so a faulty listener cannot fail a request.
 */
public interface CompositionListener {

	/** A listener that does nothing. */
	CompositionListener NONE = new CompositionListener() {
	};

	/**
	 * A part's evaluation (its call, retries and fallback) starts. The returned scope may
	 * add entries to the Reactor context the part's calls run in (a
	 * {@link ProviderClient} reads them with {@code Mono.deferContextual}, e.g. a tracing
	 * span whose context goes out as {@code traceparent}), and is ended exactly once with
	 * the part's outcome.
	 * @param composition the composition name
	 * @param part the part name
	 * @param provider the part's provider id
	 * @param context the Reactor context of the request
	 * @return the scope; {@link PartScope#NONE} by default
	 */
	default PartScope startPart(String composition, String part, String provider, ContextView context) {
		return PartScope.NONE;
	}

	/**
	 * A part has an outcome (including {@link PartStatus#FAILED} for a required part).
	 * @param composition the composition name
	 * @param part the part name
	 * @param provider the part's provider id (the metric tag)
	 * @param metadata what happened
	 */
	default void onPart(String composition, String part, String provider, PartMetadata metadata) {
	}

	/**
	 * A request completed with an answer.
	 * @param composition the composition name
	 * @param result the answer
	 */
	default void onResult(String composition, CompositionResult result) {
	}

	/**
	 * A request failed.
	 * @param composition the composition name
	 * @param error the failure
	 */
	default void onError(String composition, CompositionException error) {
	}

	/**
	 * A background refresh of a stale-while-revalidate value ({@link Freshness}) started
	 * or ended. Not tied to any request.
	 * @param provider the provider id (the metric tag)
	 * @param outcome started, succeeded or failed
	 */
	default void onRefresh(String provider, Refresh outcome) {
	}

	/** What happened to a background refresh. */
	enum Refresh {

		/** One refresh of a key started (one per key at a time). */
		STARTED,

		/** The provider answered; the cache holds the new value. */
		SUCCEEDED,

		/**
		 * The refresh failed (including refused by the breaker or bulkhead, or past its
		 * deadline); the cache keeps the old value.
		 */
		FAILED;

		/**
		 * The lower-case name used in metric tags.
		 * @return e.g. {@code succeeded}
		 */
		public String label() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

	/** One part's evaluation, from {@link #startPart} to its outcome. */
	interface PartScope {

		/** A scope that adds nothing and ignores the outcome. */
		PartScope NONE = new PartScope() {
		};

		/**
		 * Adds entries to the context the part's calls run in.
		 * @param context the request's context
		 * @return the context for the part's calls
		 */
		default Context enrich(Context context) {
			return context;
		}

		/**
		 * The part ended: called once, with its metadata, or with the error of a required
		 * part that failed (metadata null), or with both null when it was cancelled.
		 * @param metadata what happened, or null
		 * @param error the failure, or null
		 */
		default void end(PartMetadata metadata, Throwable error) {
		}

	}

}
