package io.ftgo.edge.gateway.lb;

import java.net.URI;

import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.cloud.gateway.support.NotFoundException;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;

/**
 * Proxied routes: a route whose URI is a load-balanced provider's URL is sent to one of
 * its instances (after the gateway has built the request URL, where Spring Cloud
 * Gateway's own {@code lb://} filter sits). A 5xx answer or a failed connection counts
 * against the instance, any other answer for it. The route's Retry filter, where
 * configured, chooses again on each attempt.
 */
public final class LoadBalancingGlobalFilter implements GlobalFilter, Ordered {

	private final ProviderBalancers balancers;

	public LoadBalancingGlobalFilter(ProviderBalancers balancers) {
		this.balancers = balancers;
	}

	@Override
	public int getOrder() {
		return ReactiveLoadBalancerClientFilter.LOAD_BALANCER_CLIENT_FILTER_ORDER + 1;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		URI url = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
		ProviderBalancer balancer = this.balancers.forUri(url);
		if (balancer == null) {
			return chain.filter(exchange);
		}
		return balancer.choose()
			.switchIfEmpty(Mono.error(() -> NotFoundException.create(true, "no provider instance available")))
			.flatMap((instance) -> {
				exchange.getAttributes()
					.put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, ProviderBalancer.reconstruct(url, instance));
				return chain.filter(exchange).doOnSuccess((done) -> {
					HttpStatusCode status = exchange.getResponse().getStatusCode();
					if (status != null && status.is5xxServerError()) {
						balancer.failure(instance);
					}
					else {
						balancer.success(instance);
					}
				}).doOnError((ex) -> balancer.failure(instance));
			});
	}

}
