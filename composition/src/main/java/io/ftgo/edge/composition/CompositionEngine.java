package io.ftgo.edge.composition;

import io.ftgo.edge.composition.grpc.GrpcProviderClient;
import io.ftgo.edge.composition.internal.Executor;
import io.ftgo.edge.composition.internal.ProtectedCalls;
import io.ftgo.edge.composition.internal.TimerScheduler;
import io.ftgo.edge.composition.policy.ProviderPolicy;
import io.ftgo.edge.composition.policy.ProviderSettings;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * Executes compositions. One engine per application (per {@link ProviderRegistry}): it
 * owns one circuit breaker, one bulkhead, one retry (in its resilience4j registries) and
 * one last-good cache per provider, and the table of calls in flight that identical calls
 * share (within a request and across concurrent requests).
 *
 * <p>
 * Independent parts run concurrently; a part runs as soon as the parts it references have
 * answered. The request has one deadline ({@code timeout} of the composition); each
 * attempt gets the smaller of its provider's timeout and what is left. Per call: deadline
 * &rarr; circuit breaker &rarr; bulkhead &rarr; retry (idempotent calls only) &rarr;
 * fallback chain (optional parts: last good value &rarr; static default &rarr; omitted).
 * Nothing blocks.
 *
 * <p>
 * Errors: {@link #execute} fails only with a {@link CompositionException} (a required
 * part failed, {@code authorize} did not hold, or a request parameter is missing);
 * optional parts degrade and say so in {@link CompositionResult#parts()}.
 */
public final class CompositionEngine implements AutoCloseable {

	private final ProviderRegistry providers;

	private final ProtectedCalls calls;

	private final Executor executor;

	private final CircuitBreakerRegistry circuitBreakers;

	private final BulkheadRegistry bulkheads;

	private final RetryRegistry retries;

	private final GrpcProviderClient grpc;

	private CompositionEngine(Builder builder) {
		this.grpc = builder.grpc;
		this.providers = builder.providers;
		this.circuitBreakers = builder.circuitBreakers;
		this.bulkheads = builder.bulkheads;
		this.retries = builder.retries;
		this.calls = new ProtectedCalls(builder.providers.settings(), builder.providerClient, builder.scheduler,
				this.circuitBreakers, this.bulkheads, this.retries, builder.listener);
		this.executor = new Executor(this.calls, builder.listener);
	}

	/**
	 * Starts an engine for the given providers.
	 * @param providers the providers compositions call
	 * @return the builder
	 */
	public static Builder builder(ProviderRegistry providers) {
		return new Builder(providers);
	}

	/**
	 * Executes a composition. Nothing happens until subscription; cancelling stops
	 * waiting but does not cancel calls that other requests share.
	 * @param composition a composition built with this engine's {@link ProviderRegistry}
	 * @param request the inputs
	 * @return the answer, or an error {@link CompositionException}
	 */
	public Mono<CompositionResult> execute(Composition composition, CompositionRequest request) {
		return execute(composition, request, null);
	}

	/**
	 * Executes a composition under a deadline shorter than its own {@code timeout} (a
	 * client's, for example); the smaller of the two applies.
	 * @param composition a composition built with this engine's {@link ProviderRegistry}
	 * @param request the inputs
	 * @param deadline the request's deadline, or {@code null} for the composition's
	 * {@code timeout}
	 * @return the answer, or an error {@link CompositionException}
	 */
	public Mono<CompositionResult> execute(Composition composition, CompositionRequest request,
			java.time.Duration deadline) {
		if (composition.providers() != this.providers) {
			return Mono.error(new IllegalArgumentException("composition: " + composition.name()
					+ " (expected: built with the ProviderRegistry of this engine)"));
		}
		return this.executor.execute(composition.planned(), request, deadline);
	}

	/**
	 * Single protected provider calls for one client request, outside a planned
	 * composition (see {@link ProviderCalls}).
	 * @param request the inputs (principal, identity scope, headers to propagate)
	 * @param deadline the request deadline every call shares
	 * @param maxCalls distinct provider calls allowed, {@code 0} for no limit
	 * @return the calls of this request
	 */
	public ProviderCalls calls(CompositionRequest request, java.time.Duration deadline, int maxCalls) {
		return new ProviderCalls(this.calls, this.providers, request, deadline, maxCalls);
	}

	/**
	 * The circuit breaker of a provider, named by its id (to bind metrics or inspect).
	 * @param provider the provider id
	 * @return the breaker
	 * @throws IllegalArgumentException for an unknown provider
	 */
	public CircuitBreaker circuitBreaker(String provider) {
		return policy(provider).circuitBreaker();
	}

	/**
	 * The hedged calls of a provider so far (to bind metrics or inspect).
	 * @param provider the provider id
	 * @return the counters, or {@code null} when the provider hedges none
	 * @throws IllegalArgumentException for an unknown provider
	 */
	public HedgeStats hedges(String provider) {
		return policy(provider).hedging();
	}

	/**
	 * The retry budget of a provider so far (to bind metrics or inspect).
	 * @param provider the provider id
	 * @return the counters, or {@code null} when the provider's budget is disabled
	 * @throws IllegalArgumentException for an unknown provider
	 */
	public RetryStats retries(String provider) {
		return policy(provider).retryBudget();
	}

	/**
	 * The engine's circuit breakers, one per provider named by its id (bind them to
	 * Micrometer with resilience4j-micrometer's {@code TaggedCircuitBreakerMetrics}).
	 * @return the registry
	 */
	public CircuitBreakerRegistry circuitBreakerRegistry() {
		return this.circuitBreakers;
	}

	/**
	 * The engine's bulkheads, one per provider named by its id.
	 * @return the registry
	 */
	public BulkheadRegistry bulkheadRegistry() {
		return this.bulkheads;
	}

	/**
	 * The engine's retries, one per provider named by its id (their metrics count
	 * idempotent calls of providers with more than one attempt).
	 * @return the registry
	 */
	public RetryRegistry retryRegistry() {
		return this.retries;
	}

	/**
	 * Distinct provider calls in flight now (each may serve several waiting parts).
	 * @return the number of shared calls in flight
	 */
	public int callsInFlight() {
		return this.calls.inFlight();
	}

	/**
	 * The gRPC transport, when a provider has {@code transport: grpc}: its channels (one
	 * per provider) for metrics and tests.
	 * @return the gRPC client, or {@code null} when every provider speaks HTTP
	 */
	public GrpcProviderClient grpc() {
		return this.grpc;
	}

	/**
	 * Closes the gRPC channels, if any (the application context calls it on shutdown).
	 */
	@Override
	public void close() {
		if (this.grpc != null) {
			this.grpc.close();
		}
	}

	/**
	 * Values a provider's last-good cache has stored so far (for tests and metrics): an
	 * answer is stored only when a fallback reads it (an optional part of a provider with
	 * {@code stale-for}, or a stale-while-revalidate policy).
	 * @param provider the provider id
	 * @return the number of writes, 0 when the provider keeps no cache
	 */
	public long lastGoodWrites(String provider) {
		var lastGood = this.calls.lastGood(provider);
		return (lastGood != null) ? lastGood.writes() : 0;
	}

	/**
	 * The protections of a provider: its one deadline clock, breaker, bulkhead and retry,
	 * shared by composed parts, GraphQL fields and any other caller (proxied routes use
	 * {@link ProviderPolicy#guard}).
	 * @param provider the provider id
	 * @return the policy
	 * @throws IllegalArgumentException for an unknown provider
	 */
	public ProviderPolicy policy(String provider) {
		ProviderPolicy policy = this.calls.policy(provider);
		if (policy == null) {
			throw new IllegalArgumentException(
					"provider: " + provider + " (expected: one of " + this.providers.names() + ")");
		}
		return policy;
	}

	/**
	 * Builds a {@link CompositionEngine}.
	 */
	public static final class Builder {

		private final ProviderRegistry providers;

		private WebClient webClient;

		private JsonMapper mapper;

		private Scheduler scheduler = TimerScheduler.shared();

		private CompositionListener listener = CompositionListener.NONE;

		private ProviderClient providerClient;

		private java.util.Map<String, io.ftgo.edge.composition.grpc.GrpcBalancing> grpcBalancing = java.util.Map.of();

		private String deadlineHeader = WebClientProviderClient.DEFAULT_DEADLINE_HEADER;

		private CircuitBreakerRegistry circuitBreakers;

		private BulkheadRegistry bulkheads;

		private RetryRegistry retries;

		private GrpcProviderClient grpc;

		private Builder(ProviderRegistry providers) {
			if (providers == null) {
				throw new IllegalArgumentException("providers: null (expected: a ProviderRegistry)");
			}
			this.providers = providers;
		}

		/**
		 * The client for HTTP parts; default {@code WebClient.create()}. Configure its
		 * connection pool and response timeout deliberately in production.
		 * @param webClient the client
		 * @return this builder
		 */
		public Builder webClient(WebClient webClient) {
			this.webClient = webClient;
			return this;
		}

		/**
		 * The mapper that parses provider answers; default a plain {@link JsonMapper}.
		 * @param mapper the mapper
		 * @return this builder
		 */
		public Builder jsonMapper(JsonMapper mapper) {
			this.mapper = mapper;
			return this;
		}

		/**
		 * The scheduler for timeouts, backoffs and the clock of deadlines, breakers and
		 * cache ages. Default: a shared hashed-wheel timer (10 ms tick) whose fired tasks
		 * run on {@link Schedulers#parallel()}: per-call timeouts are armed and cancelled
		 * without waking a thread. Tests pass a {@code VirtualTimeScheduler}.
		 * @param scheduler the scheduler
		 * @return this builder
		 */
		public Builder scheduler(Scheduler scheduler) {
			this.scheduler = scheduler;
			return this;
		}

		/**
		 * The listener for metrics and {@code Server-Timing}; default none.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder listener(CompositionListener listener) {
			this.listener = listener;
			return this;
		}

		/**
		 * The request header in which the default transport tells each provider the time
		 * its call has left, in milliseconds; default
		 * {@value WebClientProviderClient#DEFAULT_DEADLINE_HEADER}, {@code null} for
		 * none.
		 * @param name the header name
		 * @return this builder
		 */
		public Builder deadlineHeader(String name) {
			this.deadlineHeader = name;
			return this;
		}

		/**
		 * The replicas and outlier ejection of {@code transport: grpc} providers
		 * (gateway-core's {@code edge.load-balancing}); default none: each gRPC provider
		 * is its {@code grpc.target}, balanced round robin.
		 * @param balancing by provider id
		 * @return this builder
		 */
		public Builder grpcBalancing(java.util.Map<String, io.ftgo.edge.composition.grpc.GrpcBalancing> balancing) {
			this.grpcBalancing = (balancing != null) ? java.util.Map.copyOf(balancing) : java.util.Map.of();
			return this;
		}

		/**
		 * The transport of HTTP parts (calls of {@code transport: grpc} providers go
		 * through a {@link GrpcProviderClient} that wraps it); default a
		 * {@link WebClientProviderClient} over {@link #webClient(WebClient)} and
		 * {@link #jsonMapper(JsonMapper)}.
		 * @param providerClient the transport
		 * @return this builder
		 */
		public Builder providerClient(ProviderClient providerClient) {
			this.providerClient = providerClient;
			return this;
		}

		/**
		 * The registries the engine's breakers, bulkheads and retries are created in;
		 * default a new registry of each (one engine's instances per registry: two
		 * engines must not share one, their providers' names would collide).
		 * @param circuitBreakers the circuit breaker registry
		 * @param bulkheads the bulkhead registry
		 * @param retries the retry registry
		 * @return this builder
		 */
		public Builder registries(CircuitBreakerRegistry circuitBreakers, BulkheadRegistry bulkheads,
				RetryRegistry retries) {
			this.circuitBreakers = circuitBreakers;
			this.bulkheads = bulkheads;
			this.retries = retries;
			return this;
		}

		/**
		 * Builds the engine.
		 * @return the engine
		 */
		public CompositionEngine build() {
			if (this.webClient == null) {
				this.webClient = WebClient.create();
			}
			if (this.mapper == null) {
				this.mapper = JsonMapper.builder().build();
			}
			if (this.providerClient == null) {
				this.providerClient = new WebClientProviderClient(this.webClient, this.mapper, this.deadlineHeader);
			}
			if (this.providers.settings().values().stream().anyMatch(ProviderSettings::isGrpc)) {
				// transport: grpc providers go over one channel each; the rest over HTTP.
				this.grpc = new GrpcProviderClient(this.providers.settings(), this.providerClient, this.mapper,
						this.grpcBalancing);
				this.providerClient = this.grpc;
			}
			if (this.circuitBreakers == null) {
				this.circuitBreakers = CircuitBreakerRegistry.ofDefaults();
			}
			if (this.bulkheads == null) {
				this.bulkheads = BulkheadRegistry.ofDefaults();
			}
			if (this.retries == null) {
				this.retries = RetryRegistry.ofDefaults();
			}
			return new CompositionEngine(this);
		}

	}

}
