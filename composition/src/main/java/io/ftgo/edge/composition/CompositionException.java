package io.ftgo.edge.composition;

/**
 * A composition that cannot answer: a required part failed, the {@code authorize} check
 * did not hold, or the request lacked a parameter. The HTTP layer maps {@link #kind()} to
 * {@link Kind#httpStatus()} (problem+json). The message is safe to show to a client: it
 * names the composition, part and provider ids, never hosts, ports or classes. No stack
 * trace is captured: this is control flow.
 */
public class CompositionException extends RuntimeException {

	/**
	 * The kinds of failure, each with the HTTP status it suggests.
	 */
	public enum Kind {

		/** 400: a request parameter the composition needs was not supplied. */
		BAD_REQUEST(400),

		/** 404: a required part's provider answered 404, or {@code authorize} failed. */
		NOT_FOUND(404),

		/** 502: a required part failed for any other reason. */
		BAD_GATEWAY(502),

		/** 503: a required part's circuit is open or its bulkhead is full. */
		UNAVAILABLE(503),

		/** 504: a required part timed out or the request deadline passed. */
		TIMEOUT(504);

		private final int httpStatus;

		Kind(int httpStatus) {
			this.httpStatus = httpStatus;
		}

		/**
		 * The HTTP status the edge answers with.
		 * @return e.g. 504
		 */
		public int httpStatus() {
			return this.httpStatus;
		}

	}

	private final Kind kind;

	private final String composition;

	private final String part;

	private final String provider;

	private final FailureReason reason;

	/**
	 * Create an exception; usually only the engine does.
	 * @param kind the kind
	 * @param composition the composition name
	 * @param part the failed part, or {@code null}
	 * @param provider the failed part's provider, or {@code null}
	 * @param reason why the part failed, or {@code null}
	 * @param message a client-safe message
	 */
	public CompositionException(Kind kind, String composition, String part, String provider, FailureReason reason,
			String message) {
		super(message, null, false, false);
		this.kind = kind;
		this.composition = composition;
		this.part = part;
		this.provider = provider;
		this.reason = reason;
	}

	/**
	 * The kind of failure.
	 * @return the kind, never {@code null}
	 */
	public Kind kind() {
		return this.kind;
	}

	/**
	 * The suggested HTTP status, {@code kind().httpStatus()}.
	 * @return e.g. 503
	 */
	public int httpStatus() {
		return this.kind.httpStatus();
	}

	/**
	 * The composition name.
	 * @return the name
	 */
	public String composition() {
		return this.composition;
	}

	/**
	 * The part that failed.
	 * @return the part name, or {@code null} for a missing request parameter
	 */
	public String part() {
		return this.part;
	}

	/**
	 * The provider of the part that failed.
	 * @return the provider id, or {@code null}
	 */
	public String provider() {
		return this.provider;
	}

	/**
	 * Why the part failed.
	 * @return the reason, or {@code null} for a failed {@code authorize} or bad request
	 */
	public FailureReason reason() {
		return this.reason;
	}

}
