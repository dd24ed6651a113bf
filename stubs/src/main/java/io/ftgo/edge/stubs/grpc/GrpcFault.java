package io.ftgo.edge.stubs.grpc;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

import io.grpc.Status;

/**
 * A fault the {@link GrpcOrderProvider} injects into the calls of one method (or of every
 * method), for every call or for the next {@link #times(int) n} calls. The fault is
 * applied once the whole request has arrived (the journal has it):
 * <ul>
 * <li>{@link #status(Status.Code) status}: the call ends with that status and no
 * answer;</li>
 * <li>{@link #delay(Duration) delay}: the normal answer, sent after the delay (nothing
 * sleeps: the answer is scheduled);</li>
 * <li>{@link #hang() hang}: no answer until the client cancels (its deadline) or the
 * provider stops;</li>
 * <li>{@link #reset() reset}: the stream is reset ({@code RST_STREAM}); the client sees
 * {@code CANCELLED} or {@code INTERNAL} with "RST_STREAM" in the description, the
 * connection stays;</li>
 * <li>{@link #dropConnection() drop}: the TCP connection carrying the call is closed with
 * a reset (every call on it fails, the client sees {@code UNAVAILABLE}) and its channel
 * reconnects.</li>
 * </ul>
 * Immutable; {@code forMethod}, {@code times} and {@code withDescription} return copies.
 */
public final class GrpcFault {

	/** What the fault does. */
	public enum Kind {

		/** End the call with a status. */
		STATUS,

		/** Answer normally after a delay. */
		DELAY,

		/** Never answer. */
		HANG,

		/** Reset the stream (RST_STREAM). */
		RESET,

		/** Close the connection (TCP reset). */
		DROP

	}

	/** Every method: the {@link #method()} of a fault without {@link #forMethod}. */
	public static final String ANY_METHOD = "*";

	/** {@link #times()} of a fault that applies to every call. */
	public static final int UNLIMITED = -1;

	private final Kind kind;

	private final Status.Code status;

	private final String description;

	private final Duration delay;

	private final String method;

	private final int times;

	private GrpcFault(Kind kind, Status.Code status, String description, Duration delay, String method, int times) {
		this.kind = kind;
		this.status = status;
		this.description = description;
		this.delay = delay;
		this.method = method;
		this.times = times;
	}

	/**
	 * Ends calls with this status (e.g. {@code UNAVAILABLE}, {@code DEADLINE_EXCEEDED},
	 * {@code RESOURCE_EXHAUSTED}, {@code INTERNAL}) and the description "injected fault".
	 * @throws IllegalArgumentException for {@code OK}
	 */
	public static GrpcFault status(Status.Code code) {
		Objects.requireNonNull(code, "code");
		if (code == Status.Code.OK) {
			throw new IllegalArgumentException("status: OK (expected: an error status, e.g. UNAVAILABLE)");
		}
		return new GrpcFault(Kind.STATUS, code, "injected fault", null, ANY_METHOD, UNLIMITED);
	}

	/**
	 * Ends calls with the status of this name, e.g. {@code "UNAVAILABLE"} (case does not
	 * matter).
	 * @throws IllegalArgumentException naming the value and the expected names
	 */
	public static GrpcFault status(String code) {
		return status(statusCode(code));
	}

	/** Answers calls normally, after this delay. */
	public static GrpcFault delay(Duration delay) {
		if (delay == null || delay.isNegative() || delay.isZero()) {
			throw new IllegalArgumentException("delay: " + delay + " (expected: a positive duration)");
		}
		return new GrpcFault(Kind.DELAY, null, null, delay, ANY_METHOD, UNLIMITED);
	}

	/** Never answers calls (until the client cancels or the provider stops). */
	public static GrpcFault hang() {
		return new GrpcFault(Kind.HANG, null, null, null, ANY_METHOD, UNLIMITED);
	}

	/** Resets the call's stream (HTTP/2 RST_STREAM) without answering. */
	public static GrpcFault reset() {
		return new GrpcFault(Kind.RESET, null, null, null, ANY_METHOD, UNLIMITED);
	}

	/** Closes the connection carrying the call with a TCP reset. */
	public static GrpcFault dropConnection() {
		return new GrpcFault(Kind.DROP, null, null, null, ANY_METHOD, UNLIMITED);
	}

	/**
	 * The same fault for one method only: {@code "GetOrder"},
	 * {@code "OrderService/GetOrder"} or {@code "orderservice.OrderService/GetOrder"};
	 * {@code "*"} or {@code null} for every method.
	 * @throws IllegalArgumentException if OrderService has no such method
	 */
	public GrpcFault forMethod(String method) {
		return new GrpcFault(this.kind, this.status, this.description, this.delay, OrderServiceStub.bareMethod(method),
				this.times);
	}

	/** The same fault for the next {@code calls} calls only, then it is spent. */
	public GrpcFault times(int calls) {
		if (calls < 1) {
			throw new IllegalArgumentException("times: " + calls + " (expected: 1 or more)");
		}
		return new GrpcFault(this.kind, this.status, this.description, this.delay, this.method, calls);
	}

	/** The same status fault with this status description. */
	public GrpcFault withDescription(String description) {
		if (this.kind != Kind.STATUS) {
			throw new IllegalStateException("only a status fault has a description");
		}
		return new GrpcFault(this.kind, this.status, description, this.delay, this.method, this.times);
	}

	public Kind kind() {
		return this.kind;
	}

	/** The status of a {@link Kind#STATUS} fault, else {@code null}. */
	public Status.Code status() {
		return this.status;
	}

	/** The status description of a {@link Kind#STATUS} fault, else {@code null}. */
	public String description() {
		return this.description;
	}

	/** The delay of a {@link Kind#DELAY} fault, else {@code null}. */
	public Duration delay() {
		return this.delay;
	}

	/** The bare method name ({@code GetOrder}), or {@value #ANY_METHOD}. */
	public String method() {
		return this.method;
	}

	/** How many calls it applies to, or {@value #UNLIMITED}. */
	public int times() {
		return this.times;
	}

	boolean appliesTo(String bareMethod) {
		return ANY_METHOD.equals(this.method) || this.method.equals(bareMethod);
	}

	/**
	 * E.g. {@code UNAVAILABLE on GetOrder}, {@code delay 2000 ms on * (next 1 calls)}.
	 */
	@Override
	public String toString() {
		String what = switch (this.kind) {
			case STATUS -> this.status.name();
			case DELAY -> "delay " + this.delay.toMillis() + " ms";
			case HANG -> "hang";
			case RESET -> "reset (RST_STREAM)";
			case DROP -> "drop connection";
		};
		return what + " on " + this.method + ((this.times == UNLIMITED) ? "" : " (next " + this.times + " calls)");
	}

	static Status.Code statusCode(String name) {
		if (name != null) {
			try {
				Status.Code code = Status.Code.valueOf(name.trim().toUpperCase(Locale.ROOT));
				if (code != Status.Code.OK) {
					return code;
				}
			}
			catch (IllegalArgumentException ex) {
				// reported below
			}
		}
		throw new IllegalArgumentException("status: '" + name
				+ "' (expected: a gRPC status name other than OK, e.g. UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, INTERNAL)");
	}

}
