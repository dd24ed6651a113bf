package io.ftgo.edge.gateway.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import io.ftgo.edge.gateway.pipeline.EdgeChainLink;
import io.ftgo.edge.gateway.pipeline.EdgeLinkType;
import io.ftgo.edge.gateway.support.ClientAddressResolver;
import io.ftgo.edge.security.web.Problems;

/**
 * Limits failed authentications per client address, before security runs: the regular
 * rate limit sits after authentication and so never sees a request that security refuses,
 * which would leave API keys and tokens open to guessing at full speed. Each 401 spends
 * one token of the {@code auth-failures} tier (through the same {@link RateLimiter}, so
 * on Redis the budget is cluster-wide); once the bucket is empty, the address gets 429
 * with {@code Retry-After} until its next token, whatever it sends.
 */
public class AuthFailureLimitWebFilter implements EdgeChainLink {

	private final RateLimiter limiter;

	private final RateLimiter.Tier tier;

	private final ClientAddressResolver addresses;

	private final Clock clock;

	private final MeterRegistry meters;

	/**
	 * Addresses refused until an instant (local: the count itself lives in the limiter).
	 */
	private final Cache<String, Instant> blocked;

	public AuthFailureLimitWebFilter(RateLimiter limiter, RateLimiter.Tier tier, ClientAddressResolver addresses,
			Clock clock, MeterRegistry meters) {
		this.limiter = limiter;
		this.tier = tier;
		this.addresses = addresses;
		this.clock = clock;
		this.meters = meters;
		this.blocked = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(tier.window()).build();
	}

	@Override
	public EdgeLinkType linkType() {
		return EdgeLinkType.AUTH_FAILURE_LIMIT;
	}

	@Override
	public Map<String, Object> settings(List<String> pathPatterns) {
		return Map.of("tier", this.tier.name(), "limit", this.tier.limit(), "window", this.tier.window().toString());
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String address = this.addresses.resolve(exchange);
		Instant until = this.blocked.getIfPresent(address);
		Instant now = this.clock.instant();
		if (until != null && until.isAfter(now)) {
			long seconds = Math.max(1, Duration.between(now, until).toSeconds());
			exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
			count("blocked");
			return Problems.write(exchange, HttpStatus.TOO_MANY_REQUESTS,
					"Too many failed authentications from this address; retry later", "too_many_auth_failures");
		}
		// The failure is counted before the 401 is committed: a client never sees its 401
		// before the failure counts, so its next attempt is judged with it.
		exchange.getResponse().beforeCommit(() -> {
			if (exchange.getResponse().getStatusCode() != HttpStatus.UNAUTHORIZED) {
				return Mono.empty();
			}
			count("failed");
			return this.limiter.tryAcquire("authfail:" + address, this.tier).doOnNext((decision) -> {
				if (!decision.allowed()) {
					this.blocked.put(address, this.clock.instant().plus(decision.retryAfter()));
				}
			}).onErrorResume((ex) -> Mono.empty()).then();
		});
		return chain.filter(exchange);
	}

	private void count(String outcome) {
		if (this.meters != null) {
			this.meters.counter("edge.ratelimit.auth_failures", "outcome", outcome).increment();
		}
	}

}
