package io.ftgo.edge.gateway.lb;

import java.net.ConnectException;

import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * Composed calls: a call to a load-balanced provider's URL goes to one of its instances
 * (each subscription chooses again, so the composition's retry of an idempotent call
 * takes the next instance in the rotation). A 5xx answer or a failed request (connect
 * refused or reset) counts against the instance; any other answer for it. The
 * composition's per-provider circuit breaker sits above this and sees only what the
 * chosen instances answered.
 */
public final class LoadBalancingExchangeFilterFunction implements ExchangeFilterFunction {

	private final ProviderBalancers balancers;

	public LoadBalancingExchangeFilterFunction(ProviderBalancers balancers) {
		this.balancers = balancers;
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		ProviderBalancer balancer = this.balancers.forUri(request.url());
		if (balancer == null) {
			return next.exchange(request);
		}
		return balancer.choose()
			.switchIfEmpty(Mono.error(() -> new ConnectException("no instance of provider " + balancer.provider())))
			.flatMap((instance) -> next
				.exchange(
						ClientRequest.from(request).url(ProviderBalancer.reconstruct(request.url(), instance)).build())
				.doOnNext((response) -> {
					if (response.statusCode().is5xxServerError()) {
						balancer.failure(instance);
					}
					else {
						balancer.success(instance);
					}
				})
				.doOnError(WebClientRequestException.class, (ex) -> balancer.failure(instance)));
	}

}
