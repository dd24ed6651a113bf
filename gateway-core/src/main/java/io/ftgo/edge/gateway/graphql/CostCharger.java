package io.ftgo.edge.gateway.graphql;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

import io.ftgo.edge.gateway.ratelimit.EdgeRateLimitProperties;
import io.ftgo.edge.gateway.ratelimit.RateLimiter;
import io.ftgo.edge.security.EdgePrincipal;

/**
 * Charges a query's cost to the caller's rate limit: the request already spent one token
 * in the rate-limit filter; a query of cost {@code c} spends {@code ceil(c / n) - 1} more
 * ({@code n} = {@code edge.graphql.rate-limit-cost-per-token}), from the same key and
 * tier. When the budget runs out the request is refused with 429 before anything runs. A
 * limiter that cannot decide does not refuse (the request itself was already decided by
 * the filter under the configured failure mode).
 */
final class CostCharger {

	private final RateLimiter limiter;

	private final EdgeRateLimitProperties limits;

	private final int costPerToken;

	CostCharger(RateLimiter limiter, EdgeRateLimitProperties limits, int costPerToken) {
		this.limiter = limiter;
		this.limits = limits;
		this.costPerToken = costPerToken;
	}

	/** Tokens a query of {@code cost} spends in all (at least 1). */
	long tokens(long cost) {
		return (this.costPerToken <= 0) ? 1 : Math.max(1, (cost + this.costPerToken - 1) / this.costPerToken);
	}

	Mono<Void> charge(org.springframework.web.reactive.function.server.ServerRequest request, EdgePrincipal principal,
			long cost) {
		long extra = tokens(cost) - 1;
		if (this.limiter == null || this.limits == null || principal == null || extra <= 0) {
			return Mono.empty();
		}
		EdgeRateLimitProperties.Tier configured = this.limits.tiers().get(principal.tier());
		String name = (configured != null) ? principal.tier() : EdgeRateLimitProperties.DEFAULT_TIER;
		EdgeRateLimitProperties.Tier tier = this.limits.tiers().get(name);
		RateLimiter.Tier resolved = new RateLimiter.Tier(name, tier.limit(), tier.windowOrDefault());
		return Flux.range(0, (int) extra)
			.concatMap((i) -> this.limiter.tryAcquire(principal.identityScope(), resolved)
				.onErrorResume((ex) -> Mono.empty()))
			.takeUntil((decision) -> !decision.allowed())
			.filter((decision) -> !decision.allowed())
			.next()
			.flatMap((refused) -> Mono.error(new ResponseStatusException(HttpStatus.TOO_MANY_REQUESTS)));
	}

}
