package io.ftgo.edge.stubs.grpc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The injected faults, newest first: a call gets the newest fault for its method (or for
 * every method) that is not spent. Thread-safe.
 */
final class GrpcFaults {

	private final Map<UUID, Active> faults = new LinkedHashMap<>();

	synchronized UUID add(GrpcFault fault) {
		UUID id = UUID.randomUUID();
		this.faults.put(id, new Active(fault, fault.times()));
		return id;
	}

	/** The fault for a call of this method, counting it against its times; or null. */
	synchronized GrpcFault take(String method) {
		List<Map.Entry<UUID, Active>> newestFirst = new ArrayList<>(this.faults.entrySet());
		for (int i = newestFirst.size() - 1; i >= 0; i--) {
			Active active = newestFirst.get(i).getValue();
			if (active.fault.appliesTo(method) && active.remaining != 0) {
				if (active.remaining > 0) {
					active.remaining--;
				}
				return active.fault;
			}
		}
		return null;
	}

	synchronized boolean remove(UUID id) {
		return this.faults.remove(id) != null;
	}

	synchronized void clear() {
		this.faults.clear();
	}

	/**
	 * The faults, oldest first, with the calls left ({@link GrpcFault#UNLIMITED}: all).
	 */
	synchronized Map<UUID, Map.Entry<GrpcFault, Integer>> list() {
		Map<UUID, Map.Entry<GrpcFault, Integer>> list = new LinkedHashMap<>();
		this.faults.forEach((id, active) -> list.put(id, Map.entry(active.fault, active.remaining)));
		return list;
	}

	private static final class Active {

		final GrpcFault fault;

		int remaining;

		Active(GrpcFault fault, int remaining) {
			this.fault = fault;
			this.remaining = remaining;
		}

	}

}
