package io.ftgo.edge.stubs.grpc;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.google.protobuf.Message;

/**
 * One call the {@link GrpcOrderProvider} received, as its journal keeps it: the method,
 * the metadata (request headers), the deadline it carried, the request message, the fault
 * applied (if any) and how the call ended.
 */
public final class GrpcCall {

	private final Instant receivedAt;

	private final String method;

	private final String fullMethod;

	private final Map<String, List<String>> metadata;

	private final String grpcTimeout;

	private final Duration deadline;

	private final String fault;

	private volatile Message request;

	private volatile String outcome;

	GrpcCall(Instant receivedAt, String method, String fullMethod, Map<String, List<String>> metadata,
			String grpcTimeout, Duration deadline, String fault) {
		this.receivedAt = receivedAt;
		this.method = method;
		this.fullMethod = fullMethod;
		this.metadata = metadata;
		this.grpcTimeout = grpcTimeout;
		this.deadline = deadline;
		this.fault = fault;
	}

	public Instant receivedAt() {
		return this.receivedAt;
	}

	/** The bare method name, e.g. {@code GetOrder}. */
	public String method() {
		return this.method;
	}

	/** The full method name, e.g. {@code orderservice.OrderService/GetOrder}. */
	public String fullMethod() {
		return this.fullMethod;
	}

	/**
	 * The request metadata: lower-case names, values in order; binary ({@code -bin})
	 * values base64-encoded. HTTP/2 pseudo-headers and the transport's own headers
	 * ({@code content-type}, {@code te}, {@code grpc-timeout}, ...) as gRPC delivers
	 * them.
	 */
	public Map<String, List<String>> metadata() {
		return this.metadata;
	}

	/** The first value of a metadata key (any case), if the call carried it. */
	public Optional<String> header(String name) {
		List<String> values = this.metadata.get(name.toLowerCase(java.util.Locale.ROOT));
		return (values == null || values.isEmpty()) ? Optional.empty() : Optional.of(values.get(0));
	}

	/**
	 * The {@code grpc-timeout} header as received (e.g. {@code 4999870u}), if the client
	 * sent a deadline.
	 */
	public Optional<String> grpcTimeout() {
		return Optional.ofNullable(this.grpcTimeout);
	}

	/**
	 * The time the call had left when it arrived (the client's deadline as the server
	 * sees it), if the client sent one.
	 */
	public Optional<Duration> deadline() {
		return Optional.ofNullable(this.deadline);
	}

	/** The fault applied to this call ({@link GrpcFault#toString()}), if any. */
	public Optional<String> fault() {
		return Optional.ofNullable(this.fault);
	}

	/** The request message, once it has arrived. */
	public Optional<Message> request() {
		return Optional.ofNullable(this.request);
	}

	/**
	 * How the call ended, once it has: a status name ({@code OK}, {@code NOT_FOUND},
	 * {@code UNAVAILABLE}, ...), {@code RESET} or {@code DROPPED} for those faults, or
	 * {@code CANCELLED} when the client gave up first (e.g. on a hung call).
	 */
	public Optional<String> outcome() {
		return Optional.ofNullable(this.outcome);
	}

	void request(Message request) {
		this.request = request;
	}

	/** Sets the outcome unless one is set already. */
	synchronized void outcome(String outcome) {
		if (this.outcome == null) {
			this.outcome = outcome;
		}
	}

	@Override
	public String toString() {
		return this.method + " " + ((this.outcome != null) ? this.outcome : "(pending)")
				+ ((this.fault != null) ? " [" + this.fault + "]" : "");
	}

}
