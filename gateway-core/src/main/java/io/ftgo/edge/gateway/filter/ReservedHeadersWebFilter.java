package io.ftgo.edge.gateway.filter;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import io.ftgo.edge.gateway.pipeline.EdgeChainLink;
import io.ftgo.edge.gateway.pipeline.EdgeLinkType;
import io.ftgo.edge.gateway.support.ClientAddressResolver;
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
			stripAnswerHeaders(exchange.getResponse().getHeaders());
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
	 * kept from a trusted proxy) and the identity headers the edge sets itself.
	 */
	private List<String> headersToRemove(ServerHttpRequest request) {
		List<String> remove = null;
		Boolean trustedPeer = null;
		for (String name : request.getHeaders().headerNames()) {
			boolean drop = this.reserved.matches(name) || containsIgnoringCase(this.identityHeaders, name);
			if (drop && ReservedHeaders.isForwarding(name)) {
				if (trustedPeer == null) {
					InetSocketAddress remote = request.getRemoteAddress();
					trustedPeer = remote != null && remote.getAddress() != null
							&& this.clientAddresses.isTrusted(remote.getAddress());
				}
				drop = !trustedPeer;
			}
			if (drop) {
				if (remove == null) {
					remove = new ArrayList<>(4);
				}
				remove.add(name);
			}
		}
		return (remove != null) ? remove : List.of();
	}

	private static boolean containsIgnoringCase(Set<String> names, String name) {
		for (String candidate : names) {
			if (candidate.equalsIgnoreCase(name)) {
				return true;
			}
		}
		return false;
	}

	private void stripAnswerHeaders(HttpHeaders headers) {
		List<String> remove = null;
		for (String name : headers.headerNames()) {
			if (this.strippedFromAnswers.matches(name)) {
				if (remove == null) {
					remove = new ArrayList<>(4);
				}
				remove.add(name);
			}
		}
		if (remove != null) {
			remove.forEach(headers::remove);
		}
	}

}
