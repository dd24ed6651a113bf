package io.ftgo.edge.composition.policy;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

import io.ftgo.edge.composition.FailureReason;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import org.springframework.core.codec.CodecException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import tools.jackson.core.JacksonException;

/**
 * Maps any call error to a {@link CallFailure} (internal).
 */
public final class Failures {

	private Failures() {
	}

	/**
	 * Classifies an error.
	 * @param error any error from a call or its policies
	 * @return the classified failure
	 */
	public static CallFailure classify(Throwable error) {
		if (error instanceof CallFailure failure) {
			return failure;
		}
		if (error instanceof TimeoutException) {
			return new CallFailure(FailureReason.TIMEOUT, 0);
		}
		if (error instanceof CallNotPermittedException) {
			return new CallFailure(FailureReason.CIRCUIT_OPEN, 0);
		}
		if (error instanceof BulkheadFullException) {
			return new CallFailure(FailureReason.BULKHEAD_FULL, 0);
		}
		if (error instanceof WebClientResponseException response) {
			if (hasCause(error, IOException.class)) {
				return new CallFailure(FailureReason.CONNECT, 0);
			}
			return new CallFailure(FailureReason.HTTP_STATUS, response.getStatusCode().value());
		}
		if (error instanceof WebClientRequestException || hasCause(error, IOException.class)) {
			return new CallFailure(FailureReason.CONNECT, 0);
		}
		if (error instanceof JacksonException || error instanceof CodecException
				|| error instanceof DataBufferLimitException) {
			return new CallFailure(FailureReason.BAD_PAYLOAD, 0);
		}
		return new CallFailure(FailureReason.ERROR, 0);
	}

	private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
		for (Throwable t = error; t != null; t = t.getCause()) {
			if (type.isInstance(t)) {
				return true;
			}
			if (t.getCause() == t) {
				break;
			}
		}
		return false;
	}

}
