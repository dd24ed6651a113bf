package io.ftgo.edge.gateway.deadline;

import java.time.Duration;
import java.util.List;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import io.ftgo.edge.gateway.error.EdgeErrorWebExceptionHandler;

/**
 * A client's own deadline ({@code X-Request-Deadline-Ms} unless
 * {@code edge.deadlines.header} says otherwise), read by every kind of endpoint (proxied
 * route, composed endpoint, GraphQL) the same way: the edge keeps the smaller of the
 * client's and its own. Not a whole number of milliseconds: 400. Zero or less: already
 * expired, 504 at once, no provider called. Over {@code edge.deadlines.max-client}:
 * clamped to it.
 */
public final class ClientDeadlines {

	private final String header;

	private final Duration maxClient;

	public ClientDeadlines(EdgeDeadlinesProperties properties) {
		this.header = properties.header();
		this.maxClient = properties.maxClient();
	}

	/**
	 * The header's name.
	 * @return the name
	 */
	public String header() {
		return this.header;
	}

	/**
	 * The request's deadline.
	 * @param headers the client's request headers
	 * @param own the endpoint's own deadline
	 * @return the smaller of {@code own} and the client's (clamped)
	 * @throws Refused for a malformed or expired client deadline
	 */
	public Duration deadline(HttpHeaders headers, Duration own) {
		long millis = clientMillis(headers);
		if (millis == Long.MIN_VALUE) {
			return own;
		}
		Duration client = Duration.ofMillis(millis);
		if (this.maxClient != null && client.compareTo(this.maxClient) > 0) {
			client = this.maxClient;
		}
		return (client.compareTo(own) < 0) ? client : own;
	}

	/**
	 * Checks the client's deadline where the edge has none of its own to compare (a route
	 * to no provider).
	 * @param headers the client's request headers
	 * @throws Refused for a malformed or expired client deadline
	 */
	public void check(HttpHeaders headers) {
		clientMillis(headers);
	}

	/** The client's milliseconds, or {@code Long.MIN_VALUE} when it sent none. */
	private long clientMillis(HttpHeaders headers) {
		List<String> values = headers.get(this.header);
		if (values == null || values.isEmpty()) {
			return Long.MIN_VALUE;
		}
		if (values.size() > 1) {
			throw new Refused(false, this.header);
		}
		String value = values.get(0).trim();
		if (value.isEmpty() || value.length() > 18 || !value.matches("-?[0-9]+")) {
			throw new Refused(false, this.header);
		}
		long millis = Long.parseLong(value);
		if (millis <= 0) {
			throw new Refused(true, this.header);
		}
		return millis;
	}

	/**
	 * The answer to a refused client deadline.
	 * @param error any error
	 * @return the problem, or {@code null} for other errors
	 */
	public static EdgeErrorWebExceptionHandler.Problem problem(Throwable error) {
		if (!(error instanceof Refused refused)) {
			return null;
		}
		if (refused.expired) {
			return EdgeErrorWebExceptionHandler.forStatus(HttpStatus.GATEWAY_TIMEOUT);
		}
		return new EdgeErrorWebExceptionHandler.Problem(HttpStatus.BAD_REQUEST,
				"The " + refused.header + " header must be one whole number of milliseconds", "invalid_deadline");
	}

	/** A client deadline the edge will not work with (no stack trace). */
	public static final class Refused extends RuntimeException {

		private final boolean expired;

		private final String header;

		Refused(boolean expired, String header) {
			super(expired ? "client deadline expired" : "malformed client deadline", null, false, false);
			this.expired = expired;
			this.header = header;
		}

		/**
		 * Whether the deadline had already passed (else it was malformed).
		 * @return {@code true} when expired
		 */
		public boolean expired() {
			return this.expired;
		}

	}

}
