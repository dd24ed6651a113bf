package io.ftgo.edge.gateway.filter;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.netty.util.AsciiString;
import reactor.core.publisher.Mono;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import io.ftgo.edge.gateway.pipeline.EdgeChainLink;
import io.ftgo.edge.gateway.pipeline.EdgeLinkType;
import io.ftgo.edge.gateway.support.ClientAddressResolver;
import io.ftgo.edge.gateway.support.NativeHeaders;
import io.ftgo.edge.gateway.support.ReservedHeaders;

/**
 * Header hygiene: every inbound header of the reserved identity namespace
 * ({@link ReservedHeaders}; forwarding headers are kept from trusted proxies) and the
 * identity headers the edge sets for providers are removed from requests, on every route
 * (permit-all ones included); provider-identifying headers are removed from every answer
 * before it is committed. The request is rebuilt only when a header must go.
 */
public class ReservedHeadersWebFilter implements EdgeChainLink {

	private final Set<String> identityHeaders;

	private final ClientAddressResolver clientAddresses;

	private final ReservedHeaders reserved;

	private final ReservedHeaders strippedFromAnswers;

	/**
	 * @param identityHeaders the propagation headers the edge sets itself
	 * @param reserved the reserved identity namespace
	 * @param strippedFromAnswers names and prefixes ({@code *}) removed from every answer
	 * @param clientAddresses which peers are trusted proxies
	 */
	public ReservedHeadersWebFilter(Set<String> identityHeaders, ReservedHeaders reserved,
			List<String> strippedFromAnswers, ClientAddressResolver clientAddresses) {
		this.identityHeaders = identityHeaders;
		this.reserved = reserved;
		this.strippedFromAnswers = ReservedHeaders.exactly(strippedFromAnswers);
		this.clientAddresses = clientAddresses;
	}

	@Override
	public EdgeLinkType linkType() {
		return EdgeLinkType.RESERVED_HEADERS;
	}

	@Override
	public Map<String, Object> settings(List<String> pathPatterns) {
		return Map.of("reserved", this.reserved.entries(), "identity-headers", List.copyOf(this.identityHeaders),
				"stripped-from-answers", this.strippedFromAnswers.entries());
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		exchange.getResponse().beforeCommit(() -> {
			stripAnswerHeaders(exchange.getResponse());
			return Mono.empty();
		});
		ServerHttpRequest request = exchange.getRequest();
		List<String> remove = headersToRemove(request);
		if (remove.isEmpty()) {
			return chain.filter(exchange);
		}
		ServerHttpRequest filtered = request.mutate().headers((headers) -> remove.forEach(headers::remove)).build();
		return chain.filter(exchange.mutate().request(filtered).build());
	}

	/**
	 * The inbound headers no client may send: the reserved namespace (forwarding headers
	 * kept from a trusted proxy) and the identity headers the edge sets itself. Reactor
	 * Netty's request is read without Spring's copy of its header names.
	 */
	private List<String> headersToRemove(ServerHttpRequest request) {
		Removal removal = new Removal(request);
		io.netty.handler.codec.http.HttpHeaders nativeHeaders = NativeHeaders.of(request);
		if (nativeHeaders != null) {
			Iterator<Map.Entry<CharSequence, CharSequence>> entries = nativeHeaders.iteratorCharSequence();
			while (entries.hasNext()) {
				removal.consider(entries.next().getKey());
			}
		}
		else {
			for (String name : request.getHeaders().headerNames()) {
				removal.consider(name);
			}
		}
		return removal.names();
	}

	/**
	 * The names to remove from one request (the peer's trust looked up once, if needed).
	 */
	private final class Removal {

		private final ServerHttpRequest request;

		private List<String> remove;

		private Boolean trustedPeer;

		Removal(ServerHttpRequest request) {
			this.request = request;
		}

		void consider(CharSequence name) {
			boolean drop = ReservedHeadersWebFilter.this.reserved.matches(name)
					|| containsIgnoringCase(ReservedHeadersWebFilter.this.identityHeaders, name);
			if (drop && ReservedHeaders.isForwarding(name)) {
				if (this.trustedPeer == null) {
					InetSocketAddress remote = this.request.getRemoteAddress();
					this.trustedPeer = remote != null && remote.getAddress() != null
							&& ReservedHeadersWebFilter.this.clientAddresses.isTrusted(remote.getAddress());
				}
				drop = !this.trustedPeer;
			}
			if (drop) {
				if (this.remove == null) {
					this.remove = new ArrayList<>(4);
				}
				this.remove.add(name.toString());
			}
		}

		List<String> names() {
			return (this.remove != null) ? this.remove : List.of();
		}

	}

	private static boolean containsIgnoringCase(Set<String> names, CharSequence name) {
		for (String candidate : names) {
			// a Netty AsciiString (ASCII only) compared without a String copy
			if ((name instanceof String text) ? candidate.equalsIgnoreCase(text)
					: AsciiString.contentEqualsIgnoreCase(candidate, name)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Removes the provider-identifying headers of an answer (Reactor Netty's read without
	 * Spring's copy of the names).
	 */
	private void stripAnswerHeaders(ServerHttpResponse response) {
		List<String> remove = null;
		io.netty.handler.codec.http.HttpHeaders nativeHeaders = NativeHeaders.of(response);
		if (nativeHeaders != null) {
			Iterator<Map.Entry<CharSequence, CharSequence>> entries = nativeHeaders.iteratorCharSequence();
			while (entries.hasNext()) {
				CharSequence name = entries.next().getKey();
				if (this.strippedFromAnswers.matches(name)) {
					remove = add(remove, name.toString());
				}
			}
		}
		else {
			for (String name : response.getHeaders().headerNames()) {
				if (this.strippedFromAnswers.matches(name)) {
					remove = add(remove, name);
				}
			}
		}
		if (remove != null) {
			remove.forEach(response.getHeaders()::remove);
		}
	}

	private static List<String> add(List<String> names, String name) {
		List<String> list = (names != null) ? names : new ArrayList<>(4);
		list.add(name);
		return list;
	}

}
