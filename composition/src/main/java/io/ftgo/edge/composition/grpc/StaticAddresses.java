package io.ftgo.edge.composition.grpc;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.StatusOr;

/**
 * A channel's fixed list of replicas (the static {@code instances} of
 * {@code edge.load-balancing}): one address group per replica, so that round robin
 * spreads over them and outlier detection judges each one. The addresses are resolved
 * once, at start-up (never on an event loop).
 */
final class StaticAddresses extends NameResolver.Factory {

	static final String SCHEME = "ftgo-edge-static";

	private final String authority;

	private final List<EquivalentAddressGroup> groups;

	StaticAddresses(String authority, List<InetSocketAddress> addresses) {
		this.authority = authority;
		List<EquivalentAddressGroup> groups = new ArrayList<>(addresses.size());
		addresses.forEach((address) -> groups.add(new EquivalentAddressGroup(address)));
		this.groups = List.copyOf(groups);
	}

	/** The channel target this factory answers. */
	String target() {
		return SCHEME + ":///" + this.authority;
	}

	@Override
	public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
		if (!SCHEME.equals(targetUri.getScheme())) {
			return null;
		}
		return new NameResolver() {

			@Override
			public String getServiceAuthority() {
				return StaticAddresses.this.authority;
			}

			@Override
			public void start(Listener2 listener) {
				listener.onResult2(ResolutionResult.newBuilder()
					.setAddressesOrError(StatusOr.fromValue(StaticAddresses.this.groups))
					.build());
			}

			@Override
			public void shutdown() {
			}

		};
	}

	@Override
	public String getDefaultScheme() {
		return SCHEME;
	}

}
