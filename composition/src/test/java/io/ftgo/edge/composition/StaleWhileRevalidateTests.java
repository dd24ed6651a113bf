package io.ftgo.edge.composition;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.ftgo.edge.composition.ProviderDefinition.RetryDefinition;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.publisher.PublisherProbe;
import reactor.test.scheduler.VirtualTimeScheduler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Stale-while-revalidate ({@link Freshness}) on virtual time: one idempotent source whose
 * calls are counted, an engine on an injected {@link VirtualTimeScheduler} advanced by
 * hand. "At once" means answered without advancing the clock.
 */
class StaleWhileRevalidateTests {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final AtomicInteger calls = new AtomicInteger();

	/** What the provider answers next and after how long. */
	private final AtomicReference<String> answer = new AtomicReference<>("{\"name\":\"v1\"}");

	private final AtomicReference<Duration> latency = new AtomicReference<>(Duration.ZERO);

	private final List<String> refreshes = new CopyOnWriteArrayList<>();

	private final PartSource source = (ctx) -> Mono.defer(() -> {
		this.calls.incrementAndGet();
		JsonNode value = MAPPER.readTree(this.answer.get());
		Duration delay = this.latency.get();
		return delay.isZero() ? Mono.just(value) : Mono.delay(delay, this.time).map((tick) -> value);
	});

	private static ProviderDefinition provider(Freshness freshness) {
		return ProviderDefinition.of(null)
			.withTimeout(Duration.ofMillis(500))
			.withRetry(new RetryDefinition(1, null, null, null))
			.withFreshness(freshness);
	}

	private CompositionEngine engine(ProviderRegistry registry) {
		return CompositionEngine.builder(registry).scheduler(this.time).listener(new CompositionListener() {
			@Override
			public void onRefresh(String provider, Refresh outcome) {
				StaleWhileRevalidateTests.this.refreshes.add(provider + ":" + outcome.label());
			}
		}).build();
	}

	private Composition composition(ProviderRegistry registry) {
		return Composition.builder("menu")
			.request("GET /menu")
			.part("restaurant", (p) -> p.from("restaurant").idempotent(true).source(this.source))
			.build(registry);
	}

	private static CompositionRequest alice() {
		return CompositionRequest.of(Map.of()).withPrincipal("alice", Map.of("consumerId", 1001));
	}

	/** Runs one request that must answer without the clock moving. */
	private static CompositionResult atOnce(CompositionEngine engine, Composition composition,
			CompositionRequest request) {
		AtomicReference<CompositionResult> result = new AtomicReference<>();
		Disposable subscription = engine.execute(composition, request).subscribe(result::set);
		assertThat(result.get()).as("answered without the clock moving").isNotNull();
		subscription.dispose();
		return result.get();
	}

	@Test
	void withinRefreshAfter_servedFromTheCacheWithoutACall() {
		ProviderRegistry registry = ProviderRegistry
			.of(Map.of("restaurant", provider(Freshness.of(Duration.ofSeconds(5), Duration.ofSeconds(30)))));
		CompositionEngine engine = engine(registry);
		Composition composition = composition(registry);
		atOnce(engine, composition, alice());
		this.answer.set("{\"name\":\"v2\"}");
		this.time.advanceTimeBy(Duration.ofSeconds(4));

		CompositionResult result = atOnce(engine, composition, alice());

		assertThat(this.calls).hasValue(1);
		assertThat(result.body().get("restaurant").get("name").asString()).isEqualTo("v1");
		PartMetadata metadata = result.parts().get("restaurant");
		assertThat(metadata.status()).isEqualTo(PartStatus.FRESH);
		assertThat(metadata.age()).isEqualTo(Duration.ofSeconds(4));
		assertThat(this.refreshes).isEmpty();
	}

	@Test
	void withinGrace_twentyConcurrentCallers_eachServedStaleAtOnce_oneBackgroundCall() {
		ProviderRegistry registry = ProviderRegistry
			.of(Map.of("restaurant", provider(Freshness.of(Duration.ofSeconds(5), Duration.ofSeconds(30)))));
		CompositionEngine engine = engine(registry);
		Composition composition = composition(registry);
		atOnce(engine, composition, alice());
		this.time.advanceTimeBy(Duration.ofSeconds(6));
		this.answer.set("{\"name\":\"v2\"}");
		this.latency.set(Duration.ofMillis(300));

		for (int i = 0; i < 20; i++) {
			CompositionResult result = atOnce(engine, composition, alice());
			assertThat(result.body().get("restaurant").get("name").asString()).isEqualTo("v1");
			PartMetadata metadata = result.parts().get("restaurant");
			assertThat(metadata.status()).isEqualTo(PartStatus.STALE);
			assertThat(metadata.reason()).isEqualTo(FailureReason.REVALIDATING);
			assertThat(metadata.age()).isEqualTo(Duration.ofSeconds(6));
		}
		assertThat(this.calls).as("the first call and one background refresh").hasValue(2);
		assertThat(this.refreshes).containsExactly("restaurant:started");

		this.time.advanceTimeBy(Duration.ofMillis(300));
		assertThat(this.refreshes).containsExactly("restaurant:started", "restaurant:succeeded");
		CompositionResult next = atOnce(engine, composition, alice());
		assertThat(next.body().get("restaurant").get("name").asString()).isEqualTo("v2");
		assertThat(next.parts().get("restaurant").status()).isEqualTo(PartStatus.FRESH);
		assertThat(this.calls).hasValue(2);
	}

	@Test
	void afterGrace_callMadeInline() {
		ProviderRegistry registry = ProviderRegistry
			.of(Map.of("restaurant", provider(Freshness.of(Duration.ofSeconds(5), Duration.ofSeconds(10)))));
		CompositionEngine engine = engine(registry);
		Composition composition = composition(registry);
		atOnce(engine, composition, alice());
		this.time.advanceTimeBy(Duration.ofSeconds(16));
		this.answer.set("{\"name\":\"v2\"}");
		this.latency.set(Duration.ofMillis(100));

		AtomicReference<CompositionResult> answered = new AtomicReference<>();
		engine.execute(composition, alice()).subscribe(answered::set);
		this.time.advanceTimeBy(Duration.ofMillis(99));
		assertThat(answered.get()).as("waits for the provider").isNull();
		this.time.advanceTimeBy(Duration.ofMillis(1));

		CompositionResult result = answered.get();
		assertThat(result.body().get("restaurant").get("name").asString()).isEqualTo("v2");
		assertThat(result.parts().get("restaurant").status()).isEqualTo(PartStatus.FRESH);
		assertThat(result.parts().get("restaurant").age()).isNull();
		assertThat(this.calls).hasValue(2);
		assertThat(this.refreshes).isEmpty();
	}

	@Test
	void breakerOpen_extendsTheGrace() {
		ProviderRegistry registry = ProviderRegistry.of(Map.of("restaurant",
				provider(new Freshness(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofMinutes(10)))));
		CompositionEngine engine = engine(registry);
		Composition composition = composition(registry);
		atOnce(engine, composition, alice());
		this.time.advanceTimeBy(Duration.ofMinutes(2));
		engine.circuitBreaker("restaurant").transitionToOpenState();

		CompositionResult result = atOnce(engine, composition, alice());

		assertThat(result.body().get("restaurant").get("name").asString()).isEqualTo("v1");
		assertThat(result.parts().get("restaurant").reason()).isEqualTo(FailureReason.REVALIDATING);
		assertThat(result.parts().get("restaurant").age()).isEqualTo(Duration.ofMinutes(2));
		assertThat(this.calls).as("the open breaker refuses the refresh without a call").hasValue(1);
		assertThat(this.refreshes).containsExactly("restaurant:started", "restaurant:failed");

		// The same age with the breaker closed is past the short grace: an inline call.
		engine.circuitBreaker("restaurant").transitionToClosedState();
		this.answer.set("{\"name\":\"v2\"}");
		CompositionResult closed = atOnce(engine, composition, alice());
		assertThat(closed.parts().get("restaurant").status()).isEqualTo(PartStatus.FRESH);
		assertThat(closed.body().get("restaurant").get("name").asString()).isEqualTo("v2");
		assertThat(this.calls).hasValue(2);
	}

	@Test
	void callerCancellation_doesNotCancelTheRefresh() {
		ProviderRegistry registry = ProviderRegistry.of(Map.of("restaurant",
				provider(Freshness.of(Duration.ofSeconds(5), Duration.ofSeconds(30))), "slow", provider(null)));
		CompositionEngine engine = engine(registry);
		Composition composition = Composition.builder("menu")
			.request("GET /menu")
			.part("restaurant", (p) -> p.from("restaurant").idempotent(true).source(this.source))
			.part("slow", (p) -> p.from("slow").source((ctx) -> Mono.never()))
			.build(registry);
		Composition fast = composition(registry);
		atOnce(engine, fast, alice());
		this.time.advanceTimeBy(Duration.ofSeconds(6));
		PublisherProbe<JsonNode> refresh = PublisherProbe
			.of(Mono.delay(Duration.ofMillis(300), this.time).map((tick) -> MAPPER.readTree("{\"name\":\"v2\"}")));
		Composition probed = Composition.builder("menu")
			.request("GET /menu")
			.part("restaurant", (p) -> p.from("restaurant").idempotent(true).source((ctx) -> Mono.defer(() -> {
				this.calls.incrementAndGet();
				return refresh.mono();
			})))
			.part("slow", (p) -> p.from("slow").source((ctx) -> Mono.never()))
			.build(registry);

		Disposable caller = engine.execute(probed, alice()).subscribe();
		assertThat(refresh.wasSubscribed()).isTrue();
		caller.dispose();
		this.time.advanceTimeBy(Duration.ofMillis(300));

		refresh.assertWasNotCancelled();
		assertThat(this.refreshes).containsExactly("restaurant:started", "restaurant:succeeded");
		CompositionResult next = atOnce(engine, fast, alice());
		assertThat(next.body().get("restaurant").get("name").asString()).isEqualTo("v2");
		assertThat(this.calls).hasValue(2);
		assertThat(composition.explain().stages().get(0).parts().get(0).freshness()).isNotNull();
	}

	@Test
	void refreshThatNeverAnswers_endsAtTheProviderTimeout() {
		ProviderRegistry registry = ProviderRegistry
			.of(Map.of("restaurant", provider(Freshness.of(Duration.ofSeconds(5), Duration.ofSeconds(30)))));
		CompositionEngine engine = engine(registry);
		Composition composition = composition(registry);
		atOnce(engine, composition, alice());
		this.time.advanceTimeBy(Duration.ofSeconds(6));
		this.latency.set(Duration.ofDays(1));

		atOnce(engine, composition, alice());
		this.time.advanceTimeBy(Duration.ofMillis(499));
		assertThat(this.refreshes).containsExactly("restaurant:started");
		this.time.advanceTimeBy(Duration.ofMillis(1));

		assertThat(this.refreshes).containsExactly("restaurant:started", "restaurant:failed");
		// The next caller within the grace starts the next refresh.
		atOnce(engine, composition, alice());
		assertThat(this.calls).hasValue(3);
	}

	@Test
	void cacheIsPerIdentityScope_unlessTheProviderIsShared() {
		ProviderRegistry registry = ProviderRegistry
			.of(Map.of("restaurant", provider(Freshness.of(Duration.ofSeconds(5), Duration.ofSeconds(30)))));
		CompositionEngine engine = engine(registry);
		Composition composition = composition(registry);
		atOnce(engine, composition, alice());
		this.answer.set("{\"name\":\"for bob\"}");

		CompositionResult bob = atOnce(engine, composition,
				CompositionRequest.of(Map.of()).withPrincipal("bob", Map.of("consumerId", 1002)));

		assertThat(bob.body().get("restaurant").get("name").asString()).isEqualTo("for bob");
		assertThat(this.calls).hasValue(2);

		ProviderRegistry shared = ProviderRegistry.of(Map.of("restaurant",
				provider(Freshness.of(Duration.ofSeconds(5), Duration.ofSeconds(30))).withShared(true)));
		CompositionEngine sharedEngine = engine(shared);
		Composition sharedComposition = composition(shared);
		atOnce(sharedEngine, sharedComposition, alice());
		atOnce(sharedEngine, sharedComposition,
				CompositionRequest.of(Map.of()).withPrincipal("bob", Map.of("consumerId", 1002)));
		assertThat(this.calls).hasValue(3);
	}

	@Test
	void partPolicyOverridesTheProvidersAndShowsInExplain() {
		ProviderRegistry registry = ProviderRegistry.of(Map.of("restaurant",
				provider(new Freshness(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(10)))));
		Composition composition = Composition.builder("menu")
			.request("GET /menu")
			.part("restaurant",
					(p) -> p.from("restaurant")
						.idempotent(true)
						.source(this.source)
						.freshness(new Freshness(Duration.ofSeconds(1), null, null)))
			.build(registry);

		CompositionPlan.Step step = composition.explain().stages().get(0).parts().get(0);
		assertThat(step.freshness()).isEqualTo("refresh-after PT1S, stale PT30S (PT10M when open)");
		assertThat(composition.explain().describe()).contains("freshness refresh-after PT1S");
	}

	@Test
	void fanOutItems_eachUnderThePolicy_revalidatingKeepsThePageComplete() {
		ProviderRegistry registry = ProviderRegistry.of(Map.of("order", provider(null), "restaurant",
				provider(Freshness.of(Duration.ofSeconds(5), Duration.ofSeconds(30)))));
		CompositionEngine engine = engine(registry);
		Composition composition = Composition.builder("history")
			.request("GET /history")
			.part("history",
					(p) -> p.from("order")
						.required()
						.source((ctx) -> Mono.just(MAPPER.readTree("{\"orders\":[{\"r\":1},{\"r\":2}]}"))))
			.part("restaurants",
					(p) -> p.from("restaurant")
						.forEach("history.orders")
						.uses("item.r")
						.idempotent(true)
						.source(this.source))
			.build(registry);
		atOnce(engine, composition, alice());
		assertThat(this.calls).hasValue(2);
		this.time.advanceTimeBy(Duration.ofSeconds(6));

		CompositionResult result = atOnce(engine, composition, alice());

		assertThat(result.parts().get("restaurants").status()).isEqualTo(PartStatus.STALE);
		assertThat(result.parts().get("restaurants").reason()).isEqualTo(FailureReason.REVALIDATING);
		assertThat(result.complete()).isTrue();
		assertThat(this.calls).as("one background refresh per item").hasValue(4);
		assertThat(this.refreshes).containsExactly("restaurant:started", "restaurant:succeeded", "restaurant:started",
				"restaurant:succeeded");
	}

	@Test
	void nonIdempotentCall_refusedAtStartup() {
		ProviderRegistry registry = ProviderRegistry.of(Map.of("order", provider(null)));

		assertThatIllegalArgumentException().isThrownBy(() -> Composition.builder("checkout")
			.request("GET /checkout")
			.part("payment",
					(p) -> p.from("order").source(this.source).freshness(Duration.ofSeconds(5), Duration.ofSeconds(30)))
			.build(registry))
			.withMessageStartingWith("edge.compositions.checkout.parts.payment.freshness: the call is not idempotent");
	}

	@Test
	void providerPolicy_notAppliedToNonIdempotentCalls() {
		ProviderRegistry registry = ProviderRegistry
			.of(Map.of("order", provider(Freshness.of(Duration.ofSeconds(5), Duration.ofSeconds(30)))));
		CompositionEngine engine = engine(registry);
		Composition composition = Composition.builder("checkout")
			.request("GET /checkout")
			.part("payment", (p) -> p.from("order").source(this.source))
			.build(registry);

		atOnce(engine, composition, alice());
		atOnce(engine, composition, alice());

		assertThat(this.calls).hasValue(2);
		assertThat(composition.explain().stages().get(0).parts().get(0).freshness()).isNull();
	}

	@Test
	void invalidPolicies_refusedNamingTheKey() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProviderRegistry
				.of(Map.of("restaurant", provider(new Freshness(null, Duration.ofSeconds(30), null)))))
			.withMessageStartingWith("edge.providers.restaurant.freshness.refresh-after: null (expected: > 0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProviderRegistry.of(Map.of("restaurant",
					provider(new Freshness(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(10))))))
			.withMessageStartingWith("edge.providers.restaurant.freshness.serve-stale-for-when-open: PT10S");
	}

}
