package io.ftgo.edge.stubs.grpc;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

/**
 * The calls the gRPC order provider received: exact counts per method, and the latest
 * {@value #MAX_ENTRIES} calls in full (older ones are dropped from the list, not from the
 * counts). Thread-safe.
 */
final class GrpcJournal {

	static final int MAX_ENTRIES = 10_000;

	private static final Metadata.Key<String> GRPC_TIMEOUT = Metadata.Key.of("grpc-timeout",
			Metadata.ASCII_STRING_MARSHALLER);

	private final Deque<GrpcCall> entries = new ArrayDeque<>();

	private final Map<String, Integer> counts = new TreeMap<>();

	/** Journals a call as it arrives; its request and outcome follow. */
	GrpcCall record(MethodDescriptor<?, ?> method, Metadata headers, GrpcFault fault) {
		Deadline deadline = Context.current().getDeadline();
		Duration remaining = (deadline != null) ? Duration.ofNanos(deadline.timeRemaining(TimeUnit.NANOSECONDS)) : null;
		GrpcCall call = new GrpcCall(Instant.now(), method.getBareMethodName(), method.getFullMethodName(),
				metadata(headers), headers.get(GRPC_TIMEOUT), remaining, (fault != null) ? fault.toString() : null);
		synchronized (this) {
			this.counts.merge(call.method(), 1, Integer::sum);
			this.entries.addLast(call);
			if (this.entries.size() > MAX_ENTRIES) {
				this.entries.removeFirst();
			}
		}
		return call;
	}

	/** Calls of this bare method name ({@code *} or {@code null}: every method). */
	synchronized int count(String method) {
		if (method == null || GrpcFault.ANY_METHOD.equals(method)) {
			return this.counts.values().stream().mapToInt(Integer::intValue).sum();
		}
		return this.counts.getOrDefault(method, 0);
	}

	/** Calls per bare method name, sorted by name. */
	synchronized Map<String, Integer> counts() {
		return Collections.unmodifiableMap(new TreeMap<>(this.counts));
	}

	/** The kept calls of this method ({@code *} or {@code null}: all), oldest first. */
	synchronized List<GrpcCall> calls(String method) {
		List<GrpcCall> calls = new ArrayList<>();
		for (GrpcCall call : this.entries) {
			if (method == null || GrpcFault.ANY_METHOD.equals(method) || call.method().equals(method)) {
				calls.add(call);
			}
		}
		return calls;
	}

	synchronized void clear() {
		this.entries.clear();
		this.counts.clear();
	}

	private static Map<String, List<String>> metadata(Metadata headers) {
		Map<String, List<String>> metadata = new LinkedHashMap<>();
		for (String key : headers.keys()) {
			List<String> values = new ArrayList<>();
			if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
				Iterable<byte[]> binary = headers.getAll(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER));
				if (binary != null) {
					binary.forEach((value) -> values.add(Base64.getEncoder().encodeToString(value)));
				}
			}
			else {
				Iterable<String> text = headers.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
				if (text != null) {
					text.forEach(values::add);
				}
			}
			metadata.put(key, Collections.unmodifiableList(values));
		}
		return Collections.unmodifiableMap(metadata);
	}

}
