package io.ftgo.edge.stubs;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A misbehaviour to inject into one provider at runtime with
 * {@link FtgoProviders#inject(Provider, ProviderFault)}. Immutable;
 * {@link #onPath(String)} returns a copy scoped to request paths matching a regular
 * expression (default: every path of the provider). <pre>{@code
 * providers.inject(Provider.KITCHEN, ProviderFault.delay(Duration.ofSeconds(2)).onPath("/tickets/.*"));
 * providers.inject(Provider.DELIVERY, ProviderFault.status(503));
 * }</pre>
 */
public final class ProviderFault {

	/** What the provider does instead of its normal answer. */
	public enum Kind {

		/** The normal (seed) answer, after a fixed delay. */
		DELAY,

		/** An error status with a problem+json body. */
		STATUS,

		/** The connection is reset by the server before any response. */
		CONNECTION_RESET,

		/** 200 application/json whose body is not parseable JSON. */
		MALFORMED_BODY

	}

	private final Kind kind;

	private final Duration delay;

	private final int status;

	private final String pathRegex;

	private ProviderFault(Kind kind, Duration delay, int status, String pathRegex) {
		this.kind = kind;
		this.delay = delay;
		this.status = status;
		this.pathRegex = pathRegex;
	}

	/**
	 * The provider answers normally, but only after {@code delay} (served asynchronously,
	 * so concurrent delayed requests do not queue behind each other).
	 */
	public static ProviderFault delay(Duration delay) {
		if (delay == null || delay.isNegative() || delay.isZero()) {
			throw new IllegalArgumentException("delay: " + delay + " (expected: > 0)");
		}
		return new ProviderFault(Kind.DELAY, delay, 0, ".*");
	}

	/**
	 * The provider answers {@code status} with an {@code application/problem+json} body.
	 */
	public static ProviderFault status(int status) {
		if (status < 100 || status > 599) {
			throw new IllegalArgumentException("status: " + status + " (expected: 100..599)");
		}
		return new ProviderFault(Kind.STATUS, null, status, ".*");
	}

	/** The provider resets the connection (the client sees an I/O error, no status). */
	public static ProviderFault connectionReset() {
		return new ProviderFault(Kind.CONNECTION_RESET, null, 0, ".*");
	}

	/** The provider answers 200 {@code application/json} with a truncated JSON body. */
	public static ProviderFault malformedBody() {
		return new ProviderFault(Kind.MALFORMED_BODY, null, 0, ".*");
	}

	/**
	 * This fault, limited to requests whose path (without query) matches
	 * {@code pathRegex}, e.g. {@code /tickets/.*}.
	 */
	public ProviderFault onPath(String pathRegex) {
		try {
			Pattern.compile(Objects.requireNonNull(pathRegex, "pathRegex"));
		}
		catch (PatternSyntaxException ex) {
			throw new IllegalArgumentException(
					"pathRegex: '" + pathRegex + "' (expected: a regular expression): " + ex.getDescription(), ex);
		}
		return new ProviderFault(this.kind, this.delay, this.status, pathRegex);
	}

	public Kind kind() {
		return this.kind;
	}

	/** The delay of a {@link Kind#DELAY} fault, otherwise null. */
	public Duration delay() {
		return this.delay;
	}

	/** The status of a {@link Kind#STATUS} fault, otherwise 0. */
	public int status() {
		return this.status;
	}

	/** The path regular expression the fault applies to ({@code .*} = all). */
	public String pathRegex() {
		return this.pathRegex;
	}

	@Override
	public String toString() {
		String what = switch (this.kind) {
			case DELAY -> "delay " + this.delay;
			case STATUS -> "status " + this.status;
			case CONNECTION_RESET -> "connection reset";
			case MALFORMED_BODY -> "malformed body";
		};
		return what + " on " + this.pathRegex;
	}

}
