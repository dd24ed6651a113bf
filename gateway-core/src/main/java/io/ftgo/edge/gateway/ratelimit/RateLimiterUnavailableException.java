package io.ftgo.edge.gateway.ratelimit;

/**
 * The limiter's store could not decide in time (down, unreachable, slow, or answered
 * nonsense). Control flow, not a bug: no stack trace.
 */
public class RateLimiterUnavailableException extends RuntimeException {

	private final String reason;

	/**
	 * @param reason a short low-cardinality reason, e.g. {@code timeout} or {@code error}
	 * (a metric tag)
	 * @param cause the underlying failure, may be null
	 */
	public RateLimiterUnavailableException(String reason, Throwable cause) {
		super("rate limiter unavailable: " + reason, cause, false, false);
		this.reason = reason;
	}

	/** The short reason: {@code timeout} or {@code error}. */
	public String getReason() {
		return this.reason;
	}

}
