package io.ftgo.edge.gateway.shedding;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limiter.AbstractLimiter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The filter with the real partitioned limiter of Netflix concurrency-limits (a fixed
 * limit, so the numbers are exact), a limiter wrapper that counts each listener's
 * callbacks, and a chain whose answers the test completes, fails or cancels.
 */
class ConcurrencyLimitWebFilterTests {

	final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	final List<CountingListener> listeners = new ArrayList<>();

	final AtomicInteger chainCalls = new AtomicInteger();

	static EdgeConcurrencyProperties properties(int limit, String writes) {
		Map<String, Integer> partitions = new LinkedHashMap<>();
		partitions.put("interactive", 70);
		partitions.put("prefetch", 30);
		EdgeConcurrencyProperties properties = new EdgeConcurrencyProperties(true, "fixed", limit, 1, 1000,
				Duration.ofSeconds(2), writes, partitions, "interactive",
				List.of(new EdgeConcurrencyProperties.Rule("prefetch", null, null, Map.of("X-Prefetch", "1"))),
				List.of("/actuator/**"));
		properties.validate();
		return properties;
	}

	ConcurrencyLimitWebFilter filter(int limit, String writes) {
		EdgeConcurrencyProperties properties = properties(limit, writes);
		AbstractLimiter<String> real = ConcurrencyLimiters.build(properties, "test");
		Limiter<String> counting = (context) -> real.acquire(context).map((listener) -> {
			CountingListener counted = new CountingListener(listener);
			this.listeners.add(counted);
			return counted;
		});
		return new ConcurrencyLimitWebFilter(properties, counting, real::getLimit, this.meters);
	}

	WebFilterChain chain(Mono<Void> answer) {
		return (exchange) -> {
			this.chainCalls.incrementAndGet();
			return answer;
		};
	}

	static MockServerWebExchange get(boolean prefetch) {
		MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/api/web/orders/7001");
		if (prefetch) {
			request.header("X-Prefetch", "1");
		}
		return MockServerWebExchange.from(request);
	}

	double count(String partition, String outcome) {
		return this.meters.get(ConcurrencyLimitWebFilter.REQUESTS_METRIC)
			.tag("partition", partition)
			.tag("outcome", outcome)
			.counter()
			.count();
	}

	@Test
	void completed_onSuccessOnce_slotFreed() {
		ConcurrencyLimitWebFilter filter = filter(1, "bypass");
		filter.filter(get(false), chain(Mono.empty())).block();
		filter.filter(get(false), chain(Mono.empty())).block();

		assertThat(this.listeners).hasSize(2).allSatisfy((l) -> l.assertOnly(1, 0, 0));
		assertThat(filter.inFlight("interactive")).isZero();
		assertThat(count("interactive", "admitted")).isEqualTo(2);
	}

	@Test
	void answered503Or504_onDroppedOnce() {
		ConcurrencyLimitWebFilter filter = filter(5, "bypass");
		MockServerWebExchange exchange = get(false);
		filter.filter(exchange, (e) -> {
			e.getResponse().setStatusCode(HttpStatus.GATEWAY_TIMEOUT);
			return Mono.empty();
		}).block();

		assertThat(this.listeners).singleElement().satisfies((l) -> l.assertOnly(0, 0, 1));
	}

	@Test
	void error_onIgnoreOnce_timeout_onDroppedOnce() {
		ConcurrencyLimitWebFilter filter = filter(5, "bypass");
		filter.filter(get(false), chain(Mono.error(new IllegalStateException("boom")))).onErrorComplete().block();
		filter.filter(get(false), chain(Mono.error(new TimeoutException()))).onErrorComplete().block();

		assertThat(this.listeners).hasSize(2);
		this.listeners.get(0).assertOnly(0, 1, 0);
		this.listeners.get(1).assertOnly(0, 0, 1);
		assertThat(filter.inFlight("interactive")).isZero();
	}

	@Test
	void chainThrowsWhileBuildingItsAnswer_releasedOnce() {
		ConcurrencyLimitWebFilter filter = filter(1, "bypass");
		filter.filter(get(false), (exchange) -> {
			throw new IllegalStateException("thrown, not signalled");
		}).onErrorComplete().block();

		assertThat(this.listeners).singleElement().satisfies((l) -> l.assertOnly(0, 1, 0));
		assertThat(filter.inFlight("interactive")).isZero();
	}

	@Test
	void cancelled_onIgnoreOnce_laterSignalsChangeNothing() {
		ConcurrencyLimitWebFilter filter = filter(1, "bypass");
		Sinks.Empty<Void> answer = Sinks.empty();
		Disposable subscription = filter.filter(get(false), chain(answer.asMono())).subscribe();
		assertThat(filter.inFlight("interactive")).isEqualTo(1);

		subscription.dispose();
		subscription.dispose();
		answer.tryEmitEmpty();

		assertThat(this.listeners).singleElement().satisfies((l) -> l.assertOnly(0, 1, 0));
		assertThat(filter.inFlight("interactive")).isZero();
		// the slot is free again
		filter.filter(get(false), chain(Mono.empty())).block();
		assertThat(this.listeners).hasSize(2);
	}

	@Test
	void notSubscribed_noSlotTaken() {
		ConcurrencyLimitWebFilter filter = filter(1, "bypass");
		filter.filter(get(false), chain(Mono.empty()));

		assertThat(this.listeners).isEmpty();
		assertThat(this.chainCalls).hasValue(0);
	}

	@Test
	void atTheLimit_lowPriorityBeyondItsShareShed_highPriorityWithinItsSharePasses() {
		// limit 10: interactive is guaranteed 7, prefetch 3
		ConcurrencyLimitWebFilter filter = filter(10, "bypass");
		Sinks.Empty<Void> held = Sinks.empty();
		for (int i = 0; i < 10; i++) {
			filter.filter(get(true), chain(held.asMono())).subscribe();
		}
		assertThat(filter.inFlight("prefetch")).isEqualTo(10);
		int chainCallsBefore = this.chainCalls.get();

		List<MockServerWebExchange> prefetch = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			MockServerWebExchange exchange = get(true);
			prefetch.add(exchange);
			filter.filter(exchange, chain(held.asMono())).subscribe();
		}
		List<MockServerWebExchange> interactive = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			MockServerWebExchange exchange = get(false);
			interactive.add(exchange);
			filter.filter(exchange, chain(held.asMono())).subscribe();
		}

		assertThat(prefetch).allSatisfy(ConcurrencyLimitWebFilterTests::assertShed);
		assertThat(interactive.subList(0, 7)).allSatisfy((e) -> assertThat(e.getResponse().getStatusCode()).isNull());
		assertShed(interactive.get(7));
		assertThat(this.chainCalls.get() - chainCallsBefore).isEqualTo(7);
		assertThat(count("prefetch", "rejected")).isEqualTo(5);
		assertThat(count("interactive", "rejected")).isEqualTo(1);
		assertThat(count("interactive", "admitted")).isEqualTo(7);
		assertThat(this.meters.get(ConcurrencyLimitWebFilter.IN_FLIGHT_METRIC)
			.tag("partition", "prefetch")
			.gauge()
			.value()).isEqualTo(10);
		assertThat(this.meters.get(ConcurrencyLimitWebFilter.LIMIT_METRIC).gauge().value()).isEqualTo(10);
		assertThat(this.meters.get(ConcurrencyLimitWebFilter.PARTITION_LIMIT_METRIC)
			.tag("partition", "interactive")
			.gauge()
			.value()).isEqualTo(7);

		held.tryEmitEmpty();
		assertThat(filter.inFlight("prefetch")).isZero();
		assertThat(filter.inFlight("interactive")).isZero();
		assertThat(this.listeners).hasSize(17).allSatisfy((l) -> l.assertOnly(1, 0, 0));
	}

	@Test
	void writes_bypass_neverShed_classify_shedLikeReads() {
		ConcurrencyLimitWebFilter bypass = filter(1, "bypass");
		Sinks.Empty<Void> held = Sinks.empty();
		bypass.filter(get(true), chain(held.asMono())).subscribe();
		MockServerWebExchange post = MockServerWebExchange
			.from(MockServerHttpRequest.post("/api/web/orders").header("X-Prefetch", "1"));
		bypass.filter(post, chain(Mono.empty())).block();
		assertThat(post.getResponse().getStatusCode()).isNull();
		assertThat(count("prefetch", "bypassed")).isEqualTo(1);

		this.meters.clear();
		ConcurrencyLimitWebFilter classify = filter(1, "classify");
		classify.filter(get(true), chain(held.asMono())).subscribe();
		MockServerWebExchange shedPost = MockServerWebExchange
			.from(MockServerHttpRequest.post("/api/web/orders").header("X-Prefetch", "1"));
		classify.filter(shedPost, chain(Mono.empty())).block();
		assertShed(shedPost);
		held.tryEmitEmpty();
	}

	@Test
	void excludedPath_neverLimited() {
		ConcurrencyLimitWebFilter filter = filter(1, "bypass");
		Sinks.Empty<Void> held = Sinks.empty();
		filter.filter(get(false), chain(held.asMono())).subscribe();
		MockServerWebExchange health = MockServerWebExchange.from(MockServerHttpRequest.get("/actuator/health"));
		filter.filter(health, chain(Mono.empty())).block();
		assertThat(health.getResponse().getStatusCode()).isNull();
		assertThat(this.listeners).hasSize(1);
		held.tryEmitEmpty();
	}

	static void assertShed(ServerWebExchange exchange) {
		MockServerWebExchange mock = (MockServerWebExchange) exchange;
		assertThat(mock.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(mock.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("2");
		assertThat(mock.getResponse().getHeaders().getContentType()).hasToString("application/problem+json");
		assertThat(mock.getResponse().getBodyAsString().block()).contains("\"code\":\"overloaded\"")
			.contains("\"status\":503");
	}

	/** Counts each callback of one admitted request's listener. */
	static final class CountingListener implements Limiter.Listener {

		private final Limiter.Listener delegate;

		final AtomicInteger success = new AtomicInteger();

		final AtomicInteger ignore = new AtomicInteger();

		final AtomicInteger dropped = new AtomicInteger();

		CountingListener(Limiter.Listener delegate) {
			this.delegate = delegate;
		}

		@Override
		public void onSuccess() {
			this.success.incrementAndGet();
			this.delegate.onSuccess();
		}

		@Override
		public void onIgnore() {
			this.ignore.incrementAndGet();
			this.delegate.onIgnore();
		}

		@Override
		public void onDropped() {
			this.dropped.incrementAndGet();
			this.delegate.onDropped();
		}

		void assertOnly(int success, int ignore, int dropped) {
			assertThat(this.success).as("onSuccess").hasValue(success);
			assertThat(this.ignore).as("onIgnore").hasValue(ignore);
			assertThat(this.dropped).as("onDropped").hasValue(dropped);
		}

	}

}
