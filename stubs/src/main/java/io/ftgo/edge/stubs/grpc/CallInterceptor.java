package io.ftgo.edge.stubs.grpc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.Message;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * In front of OrderService: journals every call (method, metadata, deadline, request,
 * outcome) and applies the first matching {@link GrpcFault} once the request has arrived.
 */
final class CallInterceptor implements ServerInterceptor {

	private final GrpcJournal journal;

	private final GrpcFaults faults;

	private final ScheduledExecutorService scheduler;

	private final ConnectionDropper dropper;

	CallInterceptor(GrpcJournal journal, GrpcFaults faults, ScheduledExecutorService scheduler,
			ConnectionDropper dropper) {
		this.journal = journal;
		this.faults = faults;
		this.scheduler = scheduler;
		this.dropper = dropper;
	}

	@Override
	public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
			ServerCallHandler<Q, A> next) {
		String method = call.getMethodDescriptor().getBareMethodName();
		GrpcFault fault = this.faults.take(method);
		GrpcCall entry = this.journal.record(call.getMethodDescriptor(), headers, fault);
		if (fault == null || fault.kind() == GrpcFault.Kind.DELAY) {
			ServerCall<Q, A> recording = (fault == null) ? new RecordingCall<>(call, entry)
					: new DelayedCall<>(call, entry, fault, this.scheduler);
			return new RecordingListener<>(next.startCall(recording, headers), entry);
		}
		call.request(1);
		return new ServerCall.Listener<>() {

			@Override
			public void onMessage(Q message) {
				entry.request((Message) message);
			}

			@Override
			public void onHalfClose() {
				fail(call, fault, entry);
			}

			@Override
			public void onCancel() {
				entry.outcome(Status.Code.CANCELLED.name());
			}

		};
	}

	private <Q, A> void fail(ServerCall<Q, A> call, GrpcFault fault, GrpcCall entry) {
		switch (fault.kind()) {
			case STATUS -> {
				entry.outcome(fault.status().name());
				call.close(Status.fromCode(fault.status()).withDescription(fault.description()), new Metadata());
			}
			case HANG -> {
				// No answer: the call stays open until the client cancels it (onCancel)
				// or
				// the provider stops.
			}
			case RESET -> reset(call, entry);
			case DROP -> {
				if (this.dropper.drop(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR))) {
					entry.outcome("DROPPED");
				}
				else {
					reset(call, entry);
				}
			}
			default -> throw new IllegalStateException("not a failing fault: " + fault);
		}
	}

	/**
	 * Resets the stream: a unary call closed OK without an answer is cancelled by gRPC
	 * with RST_STREAM (ServerCallImpl, "Completed without a response").
	 */
	private static <Q, A> void reset(ServerCall<Q, A> call, GrpcCall entry) {
		entry.outcome("RESET");
		call.sendHeaders(new Metadata());
		call.close(Status.OK, new Metadata());
	}

	/** Closes the connection of a remote address; false if there is none. */
	interface ConnectionDropper {

		boolean drop(java.net.SocketAddress remote);

	}

	/** Records the request and a cancellation. */
	private static final class RecordingListener<Q>
			extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {

		private final GrpcCall entry;

		RecordingListener(ServerCall.Listener<Q> delegate, GrpcCall entry) {
			super(delegate);
			this.entry = entry;
		}

		@Override
		public void onMessage(Q message) {
			this.entry.request((Message) message);
			super.onMessage(message);
		}

		@Override
		public void onCancel() {
			this.entry.outcome(Status.Code.CANCELLED.name());
			super.onCancel();
		}

	}

	/** Records the status the call ends with. */
	private static class RecordingCall<Q, A> extends ForwardingServerCall.SimpleForwardingServerCall<Q, A> {

		final GrpcCall entry;

		RecordingCall(ServerCall<Q, A> delegate, GrpcCall entry) {
			super(delegate);
			this.entry = entry;
		}

		@Override
		public void close(Status status, Metadata trailers) {
			this.entry.outcome(status.getCode().name());
			super.close(status, trailers);
		}

	}

	/**
	 * Holds the answer (headers, message, close) the service gives and sends it after the
	 * fault's delay, from the scheduler; nothing if the client has cancelled by then.
	 */
	private static final class DelayedCall<Q, A> extends RecordingCall<Q, A> {

		private final List<Runnable> held = new ArrayList<>();

		private final GrpcFault fault;

		private final ScheduledExecutorService scheduler;

		DelayedCall(ServerCall<Q, A> delegate, GrpcCall entry, GrpcFault fault, ScheduledExecutorService scheduler) {
			super(delegate, entry);
			this.fault = fault;
			this.scheduler = scheduler;
		}

		@Override
		public void sendHeaders(Metadata headers) {
			this.held.add(() -> delegate().sendHeaders(headers));
		}

		@Override
		public void sendMessage(A message) {
			this.held.add(() -> delegate().sendMessage(message));
		}

		@Override
		public void close(Status status, Metadata trailers) {
			this.held.add(() -> {
				this.entry.outcome(status.getCode().name());
				delegate().close(status, trailers);
			});
			List<Runnable> answer = List.copyOf(this.held);
			this.scheduler.schedule(() -> {
				if (!isCancelled()) {
					answer.forEach(Runnable::run);
				}
			}, this.fault.delay().toNanos(), TimeUnit.NANOSECONDS);
		}

	}

}
