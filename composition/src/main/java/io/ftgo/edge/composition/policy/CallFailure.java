package io.ftgo.edge.composition.policy;

import io.ftgo.edge.composition.FailureReason;

/**
 * A classified call failure (internal control flow, no stack trace).
 */
public final class CallFailure extends RuntimeException {

	private final FailureReason reason;

	private final int httpStatus;

	/**
	 * Create a failure.
	 * @param reason the reason
	 * @param httpStatus the provider status, or 0
	 */
	public CallFailure(FailureReason reason, int httpStatus) {
		super(reason.label() + ((httpStatus != 0) ? " " + httpStatus : ""), null, false, false);
		this.reason = reason;
		this.httpStatus = httpStatus;
	}

	/**
	 * The reason.
	 * @return the reason
	 */
	public FailureReason reason() {
		return this.reason;
	}

	/**
	 * The provider status for {@link FailureReason#HTTP_STATUS}, else 0.
	 * @return the status
	 */
	public int httpStatus() {
		return this.httpStatus;
	}

	/**
	 * Whether this is a fault of the provider, recorded by its circuit breaker: 5xx,
	 * timeouts, connection failures and bad payloads; not 4xx.
	 * @return {@code true} for provider faults
	 */
	public boolean providerFault() {
		return switch (this.reason) {
			case TIMEOUT, CONNECT, BAD_PAYLOAD -> true;
			case HTTP_STATUS -> this.httpStatus >= 500;
			default -> false;
		};
	}

	/**
	 * Whether another attempt may succeed: timeouts, connection failures, 5xx.
	 * @return {@code true} when retryable
	 */
	public boolean retryable() {
		return switch (this.reason) {
			case TIMEOUT, CONNECT -> true;
			case HTTP_STATUS -> this.httpStatus >= 500;
			default -> false;
		};
	}

	/**
	 * Whether another attempt of a gRPC call may succeed: only {@code UNAVAILABLE}
	 * (mapped to 503), whatever the method.
	 * @return {@code true} when retryable
	 */
	public boolean retryableOverGrpc() {
		return this.reason == FailureReason.HTTP_STATUS && this.httpStatus == 503;
	}

}
