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

		/**
		 * 503: a required part's circuit is open, its bulkhead is full or its provider's
		 * concurrency limit was reached.
		 */
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

	private final int providerStatus;

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
		this(kind, composition, part, provider, reason, 0, message);
	}

	/**
	 * Create a failure that knows the provider's status.
	 * @param kind the kind
	 * @param composition the composition name
	 * @param part the part, or {@code null}
	 * @param provider the provider, or {@code null}
	 * @param reason the failure reason, or {@code null}
	 * @param providerStatus the provider's (or the gRPC status's mapped) HTTP status for
	 * {@code http-status} failures, else 0
	 * @param message the message
	 */
	public CompositionException(Kind kind, String composition, String part, String provider, FailureReason reason,
			int providerStatus, String message) {
		super(message, null, false, false);
		this.kind = kind;
		this.composition = composition;
		this.part = part;
		this.provider = provider;
		this.reason = reason;
		this.providerStatus = providerStatus;
	}

	/**
	 * The provider's HTTP status of an {@code http-status} failure (a gRPC provider's:
	 * the status of the mapping table), else 0.
	 * @return the status or 0
	 */
	public int providerStatus() {
		return this.providerStatus;
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

	/**
	 * A request the composition refuses (400): a missing or ill-typed parameter, an
	 * unknown query parameter.
	 * @param composition the composition name
	 * @param message names the parameter and the expectation, never the value
	 * @return the exception
	 */
	public static CompositionException badRequest(String composition, String message) {
		return new CompositionException(Kind.BAD_REQUEST, composition, null, null, null, message);
	}

	/**
	 * Nothing to show this caller (404): an {@code authorize} check that did not hold.
	 * @param composition the composition name
	 * @param part the part the check read, or {@code null}
	 * @param provider that part's provider, or {@code null}
	 * @return the exception
	 */
	public static CompositionException notFound(String composition, String part, String provider) {
		return new CompositionException(Kind.NOT_FOUND, composition, part, provider, null, "not found");
	}

	/**
	 * A required call failed. The status mapping: a timeout is 504; an open breaker, a
	 * full bulkhead or a provider's concurrency limit 503; a provider's 404 is 404; every
	 * other failure 502.
	 * @param composition the composition name ({@code calls} for {@link ProviderCalls})
	 * @param part the part, or {@code null}
	 * @param provider the provider id
	 * @param reason why the call failed
	 * @param httpStatus the provider's status for {@code http-status}, else 0
	 * @return the exception
	 */
	public static CompositionException requiredCallFailed(String composition, String part, String provider,
			FailureReason reason, int httpStatus) {
		Kind kind = switch (reason) {
			case TIMEOUT -> Kind.TIMEOUT;
			case CIRCUIT_OPEN, BULKHEAD_FULL, CONCURRENCY_LIMIT, THROTTLED -> Kind.UNAVAILABLE;
			case HTTP_STATUS -> (httpStatus == 404) ? Kind.NOT_FOUND : Kind.BAD_GATEWAY;
			default -> Kind.BAD_GATEWAY;
		};
		String what = (reason == FailureReason.HTTP_STATUS) ? "answered " + httpStatus : reason.label();
		String message = (part != null)
				? "required part '" + part + "' of '" + composition + "' failed: provider '" + provider + "' " + what
				: "provider '" + provider + "' " + what;
		return new CompositionException(kind, composition, part, provider, reason,
				(reason == FailureReason.HTTP_STATUS) ? httpStatus : 0, message);
	}

}
