package io.ftgo.edge.composition;

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

}
