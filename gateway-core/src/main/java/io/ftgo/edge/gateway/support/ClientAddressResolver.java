package io.ftgo.edge.gateway.support;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

import org.springframework.web.server.ServerWebExchange;

/**
 * The real client address: the peer's address, unless the peer is a trusted proxy, in
 * which case the right-most address of {@code X-Forwarded-For} that is not itself a
 * trusted proxy. A client can put anything in {@code X-Forwarded-For}; only what trusted
 * proxies appended counts, so a spoofed left part is never taken.
 */
public final class ClientAddressResolver {

	private final List<Cidr> trustedProxies;

	/**
	 * @param trustedProxies CIDR blocks or single addresses, e.g. {@code 10.0.0.0/8}
	 */
	public ClientAddressResolver(List<String> trustedProxies) {
		this.trustedProxies = trustedProxies.stream().map(Cidr::parse).toList();
	}

	/** The client address as text, or {@code unknown}. */
	public String resolve(ServerWebExchange exchange) {
		InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
		InetAddress peer = (remote != null) ? remote.getAddress() : null;
		if (peer == null) {
			return "unknown";
		}
		if (!isTrusted(peer)) {
			return peer.getHostAddress();
		}
		List<String> forwarded = exchange.getRequest().getHeaders().get("X-Forwarded-For");
		if (forwarded == null || forwarded.isEmpty()) {
			return peer.getHostAddress();
		}
		String[] hops = String.join(",", forwarded).split(",");
		for (int i = hops.length - 1; i >= 0; i--) {
			InetAddress hop = literal(hops[i].trim());
			if (hop == null) {
				// Not an address: everything left of it is client-controlled.
				return peer.getHostAddress();
			}
			if (!isTrusted(hop)) {
				return hop.getHostAddress();
			}
		}
		return literal(hops[0].trim()).getHostAddress();
	}

	private static final java.util.regex.Pattern IP_LITERAL = java.util.regex.Pattern.compile("[0-9a-fA-F:.]+");

	/** Whether the address belongs to a trusted proxy. */
	public boolean isTrusted(InetAddress address) {
		for (Cidr cidr : this.trustedProxies) {
			if (cidr.contains(address)) {
				return true;
			}
		}
		return false;
	}

	/** Parses an IP literal without any DNS lookup; null when it is not one. */
	static InetAddress literal(String text) {
		if (text.isEmpty() || !IP_LITERAL.matcher(text).matches()) {
			return null;
		}
		try {
			return InetAddress.getByName(text);
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

	/** A CIDR block. */
	record Cidr(byte[] network, int prefix) {

		static Cidr parse(String text) {
			String[] parts = text.trim().split("/");
			InetAddress address = literal(parts[0]);
			if (address == null || parts.length > 2) {
				throw new IllegalArgumentException(
						"trusted proxy: '" + text + "' (expected: an IP or CIDR, e.g. 10.0.0.0/8)");
			}
			int bits = address.getAddress().length * 8;
			int prefix = (parts.length == 2) ? Integer.parseInt(parts[1]) : bits;
			if (prefix < 0 || prefix > bits) {
				throw new IllegalArgumentException("trusted proxy: '" + text + "' (expected: prefix 0.." + bits + ")");
			}
			return new Cidr(address.getAddress(), prefix);
		}

		boolean contains(InetAddress address) {
			byte[] candidate = address.getAddress();
			if (candidate.length != this.network.length) {
				return false;
			}
			int full = this.prefix / 8;
			for (int i = 0; i < full; i++) {
				if (candidate[i] != this.network[i]) {
					return false;
				}
			}
			int rest = this.prefix % 8;
			if (rest == 0) {
				return true;
			}
			int mask = (0xFF << (8 - rest)) & 0xFF;
			return (candidate[full] & mask) == (this.network[full] & mask);
		}

	}

}
