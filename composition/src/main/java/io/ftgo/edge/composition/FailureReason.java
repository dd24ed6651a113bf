package io.ftgo.edge.composition;

/**
 * Why a part did not get a fresh answer from its provider. The {@link #label()} is the
 * word used in metadata, {@code Server-Timing} descriptions and metric tags.
 */
public enum FailureReason {

	/** The call took longer than its timeout or the request deadline. */
	TIMEOUT("timeout"),

	/** The provider's circuit breaker is open: the provider was not called. */
	CIRCUIT_OPEN("circuit-open"),

	/** The provider's bulkhead had no free permit: the provider was not called. */
	BULKHEAD_FULL("bulkhead-full"),

	/**
	 * The provider's adaptive concurrency limit was reached
	 * ({@code edge.providers.<id>.concurrency}): the provider was not called.
	 */
	CONCURRENCY_LIMIT("concurrency-limit"),

	/**
	 * Refused by the provider's admission control ({@code admission-control}: client-side
	 * throttling while its success rate is low): the provider was not called.
	 */
	THROTTLED("throttled"),

	/**
	 * The provider answered with a non-2xx status (see
	 * {@link PartMetadata#httpStatus()}).
	 */
	HTTP_STATUS("http-status"),

	/** The connection could not be made, or was reset or closed before the answer. */
	CONNECT("connect"),

	/** The answer was empty or not JSON, or lacked a field another part needed. */
	BAD_PAYLOAD("bad-payload"),

	/**
	 * An input of the call had no value: a part it depends on was omitted, or a principal
	 * attribute or request parameter was missing.
	 */
	UNRESOLVED("unresolved"),

	/** Any other error raised by a Java DSL source. */
	ERROR("error"),

	/**
	 * Not a failure: the value is older than its {@code refresh-after} but within the
	 * grace ({@link Freshness}), served at once while one background call refreshes it.
	 */
	REVALIDATING("revalidating");

	private final String label;

	FailureReason(String label) {
		this.label = label;
	}

	/**
	 * The lower-case, hyphenated name used in metadata and metrics.
	 * @return the label, e.g. {@code circuit-open}
	 */
	public String label() {
		return this.label;
	}

}
