package io.ftgo.edge.gateway.composition;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.micrometer.core.instrument.binder.MeterBinder;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import io.ftgo.edge.composition.Composition;
import io.ftgo.edge.composition.CompositionEngine;
import io.ftgo.edge.composition.CompositionException;
import io.ftgo.edge.composition.CompositionListener;
import io.ftgo.edge.composition.HedgeStats;
import io.ftgo.edge.composition.ProviderRegistry;
import io.ftgo.edge.composition.RequestLine;
import io.ftgo.edge.composition.RetryStats;
import io.ftgo.edge.composition.policy.AdmissionControl;
import io.ftgo.edge.composition.policy.ProviderLimit;
import io.ftgo.edge.composition.policy.ProviderPolicy;
import io.ftgo.edge.gateway.config.EdgeGatewayAutoConfiguration;
import io.ftgo.edge.gateway.deadline.ClientDeadlines;
import io.ftgo.edge.gateway.deadline.DeadlineHeaderFilter;
import io.ftgo.edge.gateway.deadline.EdgeDeadlinesProperties;
import io.ftgo.edge.gateway.error.EdgeErrorWebExceptionHandler;
import io.ftgo.edge.gateway.filter.ProviderPolicyGlobalFilter;
import io.ftgo.edge.gateway.filter.RouteProviders;
import io.ftgo.edge.gateway.lb.LoadBalancingExchangeFilterFunction;
import io.ftgo.edge.gateway.lb.ProviderBalancers;
import io.ftgo.edge.gateway.shedding.EdgeConcurrencyProperties;
import io.ftgo.edge.security.IdentityPropagation;
import io.ftgo.edge.security.config.InvalidEdgeConfigurationException;

/**
 * Composed endpoints from YAML ({@code edge.providers}, {@code edge.compositions}),
 * served behind the same edge chain as proxied routes. Bad compositions stop start-up
 * with the planner's message (it names the key and the fix).
 */
@AutoConfiguration(after = EdgeGatewayAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@EnableConfigurationProperties({ EdgeCompositionProperties.class, EdgeDeadlinesProperties.class })
public class EdgeCompositionAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ProviderRegistry providerRegistry(EdgeCompositionProperties properties, Environment environment) {
		// a provider limit's partitions only apply with the BFF-wide limit on
		return ProviderRegistry
			.of(EdgeConcurrencyProperties.withoutProviderPartitions(properties.providers(), environment));
	}

	/** Every configured composition, planned and checked at start-up. */
	@Bean
	Compositions edgeCompositions(EdgeCompositionProperties properties, ProviderRegistry providers,
			ObjectProvider<CompositionContributor> contributors) {
		Map<String, Composition> compositions = new LinkedHashMap<>();
		properties.compositions()
			.forEach((name, definition) -> compositions.put(name, Composition.of(name, definition, providers)));
		contributors.orderedStream().forEach((contributor) -> {
			Composition composition = contributor.composition(providers);
			if (compositions.putIfAbsent(composition.name(), composition) != null) {
				throw new InvalidEdgeConfigurationException("edge.compositions." + composition.name(),
						composition.name(), "a name no other composition (YAML or Java) uses");
			}
		});
		for (String name : properties.endpoints().keySet()) {
			if (!compositions.containsKey(name)) {
				throw new InvalidEdgeConfigurationException("edge.endpoints." + name, name,
						"the name of a composition under edge.compositions " + compositions.keySet());
			}
		}
		return new Compositions(compositions);
	}

	@Bean
	@ConditionalOnMissingBean
	CompositionEngine compositionEngine(ProviderRegistry providers, ObjectProvider<WebClient.Builder> webClients,
			ObjectProvider<JsonMapper> json, ObjectProvider<MeterRegistry> meters,
			ObjectProvider<LoadBalancingExchangeFilterFunction> loadBalancing, ObjectProvider<Tracer> tracers,
			EdgeDeadlinesProperties deadlines, ObjectProvider<ProviderBalancers> balancers) {
		// A bounded pool whose idle connections go before the providers' keep-alive ends.
		ConnectionProvider pool = ConnectionProvider.builder("edge-providers")
			.maxConnections(500)
			.pendingAcquireTimeout(Duration.ofSeconds(2))
			.maxIdleTime(Duration.ofSeconds(20))
			.maxLifeTime(Duration.ofMinutes(5))
			.evictInBackground(Duration.ofSeconds(10))
			.build();
		HttpClient http = HttpClient.create(pool).compress(true);
		warmUp(http);
		// No http.client.requests observation per provider call: edge.composition.part
		// times each call, and TracingCompositionListener makes its span.
		WebClient.Builder webClientBuilder = webClients.getIfAvailable(WebClient::builder)
			.observationRegistry(ObservationRegistry.NOOP)
			.clientConnector(new ReactorClientHttpConnector(http));
		// Providers with several instances (edge.load-balancing): one instance per call.
		loadBalancing.ifAvailable(webClientBuilder::filter);
		MeterRegistry registry = meters.getIfAvailable();
		CompositionListener listener = (registry != null) ? new MicrometerCompositionListener(registry)
				: CompositionListener.NONE;
		Tracer tracer = tracers.getIfAvailable();
		if (tracer != null && tracer != Tracer.NOOP) {
			// A span per provider call of a sampled request, its context sent as
			// traceparent.
			listener = new TracingCompositionListener(tracer, listener);
			webClientBuilder.filter(TracingCompositionListener.traceparent());
		}
		WebClient webClient = webClientBuilder.build();
		CompositionEngine.Builder builder = CompositionEngine.builder(providers)
			.webClient(webClient)
			.deadlineHeader(deadlines.header())
			.listener(listener);
		// gRPC providers with replicas (edge.load-balancing): outlier ejection in their
		// channel.
		balancers.ifAvailable((b) -> builder.grpcBalancing(b.grpc()));
		JsonMapper mapper = json.getIfAvailable();
		if (mapper != null) {
			builder.jsonMapper(mapper);
		}
		return builder.build();
	}

	/**
	 * The gateway's own HTTP client (proxied routes) warmed up at start-up, as the
	 * providers' client is: a route's first call after a deploy must not spend its
	 * provider's deadline (800 ms, say) loading the event loops, the DNS resolver and the
	 * native transport.
	 */
	@Bean
	org.springframework.beans.factory.SmartInitializingSingleton edgeHttpClientWarmUp(
			ObjectProvider<HttpClient> clients) {
		return () -> clients.orderedStream().forEach(EdgeCompositionAutoConfiguration::warmUp);
	}

	/** Reactor Netty's warm-up, at start-up on the calling thread; best effort. */
	static void warmUp(HttpClient client) {
		try {
			client.warmup().block(Duration.ofSeconds(10));
		}
		catch (RuntimeException ex) {
			// Best effort: the first call pays what is left.
		}
	}

	/**
	 * The engine's resilience4j registries in Micrometer: each provider's breaker state
	 * and calls ({@code resilience4j_circuitbreaker_*}, for dashboards and the
	 * breaker-open alert), bulkhead usage ({@code resilience4j_bulkhead_*}) and retries
	 * ({@code resilience4j_retry_calls}), tagged {@code name=<provider>}.
	 */
	@Bean
	MeterBinder edgeResilienceMetrics(CompositionEngine engine, ProviderRegistry providers,
			ObjectProvider<ProviderBalancers> balancers) {
		return (registry) -> {
			TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(engine.circuitBreakerRegistry()).bindTo(registry);
			TaggedBulkheadMetrics.ofBulkheadRegistry(engine.bulkheadRegistry()).bindTo(registry);
			TaggedRetryMetrics.ofRetryRegistry(engine.retryRegistry()).bindTo(registry);
			bindHedges(engine, providers, registry);
			bindGrpc(engine, registry);
			balancers.ifAvailable((b) -> bindGrpcReplicas(engine, b, registry));
			bindRetries(engine, providers, registry);
			bindConcurrency(engine, providers, registry);
		};
	}

	/**
	 * The engine's circuit breakers, one per provider, as a bean: for whoever must read
	 * them, and for test support that resets them between tests sharing one application.
	 */
	@Bean
	CircuitBreakerRegistry edgeCircuitBreakerRegistry(CompositionEngine engine) {
		return engine.circuitBreakerRegistry();
	}

	/**
	 * The gRPC transport's channels, when a provider has {@code transport: grpc}:
	 * {@code edge.grpc.channels} (open now) and {@code edge.grpc.channels.opened} (since
	 * start): one per gRPC provider, whatever the number of calls.
	 */
	static void bindGrpc(CompositionEngine engine, MeterRegistry registry) {
		io.ftgo.edge.composition.grpc.GrpcProviderClient grpc = engine.grpc();
		if (grpc == null) {
			return;
		}
		Gauge.builder("edge.grpc.channels", grpc, (client) -> client.openChannels())
			.description("Open gRPC channels to providers (one per transport: grpc provider)")
			.register(registry);
		FunctionCounter.builder("edge.grpc.channels.opened", grpc, (client) -> client.channelsOpened())
			.description("gRPC channels opened since start")
			.register(registry);
	}

	/**
	 * The calls each static replica of a gRPC provider answered
	 * ({@code edge.load-balancing}), as HTTP instances count theirs:
	 * {@code edge.lb.requests{provider, instance, outcome=success|failure}}, a failure
	 * being any status other than {@code OK} (what the channel's outlier detection
	 * counts).
	 */
	static void bindGrpcReplicas(CompositionEngine engine, ProviderBalancers balancers, MeterRegistry registry) {
		io.ftgo.edge.composition.grpc.GrpcProviderClient grpc = engine.grpc();
		if (grpc == null) {
			return;
		}
		balancers.grpc().forEach((provider, balancing) -> balancing.addresses().forEach((address) -> {
			String instance = address.getAddress().getHostAddress() + ":" + address.getPort();
			for (boolean success : new boolean[] { true, false }) {
				FunctionCounter.builder("edge.lb.requests", grpc, (c) -> c.replicaCalls(provider, instance, success))
					.description("Calls to one provider instance, by outcome (gRPC failure: a status other than OK)")
					.tag("provider", provider)
					.tag("instance", instance)
					.tag("outcome", success ? "success" : "failure")
					.register(registry);
			}
		}));
	}

	/**
	 * Each provider's retry budget: {@code edge.composition.retries{provider,
	 * outcome=sent|refused}}, the retries and hedges it let through or refused (not
	 * sent), whatever kind of call made them.
	 */
	static void bindRetries(CompositionEngine engine, ProviderRegistry providers, MeterRegistry registry) {
		bindOutcomes(providers, registry, engine::retries, "edge.composition.retries",
				"Retries and hedges to a provider: sent, or refused by its retry budget (not sent)",
				Map.of("sent", RetryStats::sent, "refused", RetryStats::refused));
	}

	/**
	 * Each provider's concurrency limit, next to the BFF-wide {@code edge.concurrency.*}:
	 * {@code edge.composition.concurrency.limit{provider}},
	 * {@code edge.composition.concurrency.in-flight{provider}} and
	 * {@code edge.composition.concurrency.requests{provider, outcome=admitted|rejected}}.
	 */
	static void bindConcurrency(CompositionEngine engine, ProviderRegistry providers, MeterRegistry registry) {
		for (String provider : providers.names()) {
			ProviderMeters meters = new ProviderMeters(registry, provider);
			ProviderPolicy policy = engine.policy(provider);
			AdmissionControl admission = (policy != null) ? policy.admissionControl() : null;
			if (admission != null) {
				meters.gauge("edge.composition.admission.probability",
						"The share of a provider's calls its admission control refuses now", admission,
						AdmissionControl::probability);
				meters.counter("edge.composition.admission.refused",
						"Calls to a provider refused by its admission control (not sent)", admission,
						AdmissionControl::refused, null);
			}
			ProviderLimit limit = (policy != null) ? policy.concurrencyLimit() : null;
			if (limit == null) {
				continue;
			}
			meters.gauge("edge.composition.concurrency.limit", "The adaptive concurrency limit of a provider's calls",
					limit, ProviderLimit::currentLimit);
			meters.gauge("edge.composition.concurrency.in-flight",
					"Calls to a provider admitted by its concurrency limit and not yet finished", limit,
					ProviderLimit::inFlight);
			meters.counters("edge.composition.concurrency.requests",
					"Calls to a provider: admitted by its concurrency limit, or rejected (not sent)", limit,
					Map.of("admitted", ProviderLimit::admitted, "rejected", ProviderLimit::rejected));
		}
	}

	/**
	 * Hedged calls of each provider with {@code hedge}:
	 * {@code edge.composition.hedges{provider, outcome=sent|won|refused}}, counters read
	 * from the engine (registered once here, never per request).
	 */
	static void bindHedges(CompositionEngine engine, ProviderRegistry providers, MeterRegistry registry) {
		bindOutcomes(providers, registry, engine::hedges, "edge.composition.hedges",
				"Hedged provider calls: sent, answered first (won), or not sent (no hedge token, or refused by the retry budget)",
				Map.of("sent", HedgeStats::sent, "won", HedgeStats::won, "refused", HedgeStats::refused));
	}

	/** A counter per outcome of each provider that has {@code stats} (not null). */
	private static <T> void bindOutcomes(ProviderRegistry providers, MeterRegistry registry, Function<String, T> stats,
			String name, String description, Map<String, ToDoubleFunction<T>> outcomes) {
		for (String provider : providers.names()) {
			T source = stats.apply(provider);
			if (source != null) {
				new ProviderMeters(registry, provider).counters(name, description, source, outcomes);
			}
		}
	}

	/**
	 * One provider's meters, tagged {@code provider}, each reading a value the engine
	 * keeps (registered once, never per request).
	 */
	private record ProviderMeters(MeterRegistry registry, String provider) {

		<T> void gauge(String name, String description, T source, ToDoubleFunction<T> value) {
			Gauge.builder(name, source, value)
				.description(description)
				.tag("provider", this.provider)
				.register(this.registry);
		}

		/** A counter, tagged {@code outcome} unless that is null. */
		<T> void counter(String name, String description, T source, ToDoubleFunction<T> count, String outcome) {
			FunctionCounter.Builder<T> builder = FunctionCounter.builder(name, source, count)
				.description(description)
				.tag("provider", this.provider);
			if (outcome != null) {
				builder.tag("outcome", outcome);
			}
			builder.register(this.registry);
		}

		/** A counter per {@code outcome}. */
		<T> void counters(String name, String description, T source, Map<String, ToDoubleFunction<T>> outcomes) {
			outcomes.forEach((outcome, count) -> counter(name, description, source, count, outcome));
		}

	}

	@Bean
	RouterFunction<ServerResponse> edgeCompositionRoutes(Compositions edgeCompositions, CompositionEngine engine,
			EdgeCompositionProperties properties, ObjectProvider<IdentityPropagation> propagations,
			ObjectProvider<JsonMapper> json, ObjectProvider<ComposedResponseShaper> shapers,
			ClientDeadlines clientDeadlines) {
		JsonMapper mapper = json.getIfAvailable(() -> JsonMapper.builder().build());
		// Without the security module's bean: forward the bearer token, no identity
		// headers.
		IdentityPropagation propagation = propagations.getIfAvailable(() -> new IdentityPropagation(
				new io.ftgo.edge.security.config.EdgeSecurityProperties.Propagation(true, null), null));
		Map<String, ComposedResponseShaper> shaperByName = new LinkedHashMap<>();
		shapers.orderedStream().forEach((shaper) -> {
			if (!edgeCompositions.containsKey(shaper.composition())) {
				throw new InvalidEdgeConfigurationException("ComposedResponseShaper", shaper.composition(),
						"the name of a composition " + edgeCompositions.keySet());
			}
			shaperByName.put(shaper.composition(), shaper);
		});
		RouterFunctions.Builder routes = RouterFunctions.route();
		edgeCompositions.forEach((name, composition) -> {
			RequestLine line = RequestLine.parse("edge.compositions." + name + ".request",
					composition.explain().request());
			routes.route(
					RequestPredicates.method(HttpMethod.valueOf(line.method()))
						.and(RequestPredicates.path(line.path())),
					new ComposedEndpointHandler(composition, engine, properties.endpoint(name), propagation, mapper,
							shaperByName.get(name), clientDeadlines));
		});
		// An empty builder cannot build; a route that never matches keeps the bean
		// simple.
		routes.route((request) -> false, (request) -> ServerResponse.notFound().build());
		return routes.build();
	}

	/**
	 * Which provider each proxied route calls; the configured routes are checked here, so
	 * a route naming no provider, or a URI two providers share, stops start-up.
	 */
	@Bean
	RouteProviders edgeRouteProviders(ProviderRegistry providers, CompositionEngine engine,
			ObjectProvider<GatewayProperties> gateway) {
		RouteProviders routes = new RouteProviders(providers, engine);
		GatewayProperties properties = gateway.getIfAvailable();
		if (properties != null) {
			routes.validate(properties.getRoutes());
		}
		return routes;
	}

	/**
	 * Proxied routes under their provider's policy (deadline, breaker, bulkhead, retry).
	 */
	@Bean
	ProviderPolicyGlobalFilter edgeProviderPolicyGlobalFilter(RouteProviders routes, CompositionEngine engine,
			ClientDeadlines clientDeadlines) {
		return new ProviderPolicyGlobalFilter(routes, engine, clientDeadlines);
	}

	@Bean
	EdgeErrorWebExceptionHandler.ErrorMapper proxiedCallErrorMapper() {
		return ProviderPolicyGlobalFilter::problem;
	}

	/** Client deadlines ({@code edge.deadlines}), read by every kind of endpoint. */
	@Bean
	ClientDeadlines edgeClientDeadlines(EdgeDeadlinesProperties properties) {
		return new ClientDeadlines(properties);
	}

	@Bean
	EdgeErrorWebExceptionHandler.ErrorMapper clientDeadlineErrorMapper() {
		return ClientDeadlines::problem;
	}

	/** Proxied providers are told the time left, as each attempt is sent. */
	@Bean
	DeadlineHeaderFilter edgeDeadlineHeaderFilter(EdgeDeadlinesProperties properties) {
		return new DeadlineHeaderFilter(properties.header());
	}

	@Bean
	EdgeErrorWebExceptionHandler.ErrorMapper compositionErrorMapper() {
		return (error) -> {
			if (!(error instanceof CompositionException failure)) {
				return null;
			}
			HttpStatus status = HttpStatus.valueOf(failure.httpStatus());
			if (failure.reason() == io.ftgo.edge.composition.FailureReason.CONCURRENCY_LIMIT) {
				// As the BFF-wide limit answers (the handler sets Retry-After).
				return ProviderPolicyGlobalFilter.OVERLOADED;
			}
			if (failure.kind() == CompositionException.Kind.BAD_REQUEST) {
				// Names the parameter and the expectation, never the value sent.
				return new EdgeErrorWebExceptionHandler.Problem(status, failure.getMessage(), "invalid_parameter");
			}
			EdgeErrorWebExceptionHandler.Problem problem = EdgeErrorWebExceptionHandler.forStatus(status);
			return new EdgeErrorWebExceptionHandler.Problem(status, problem.detail(), problem.code());
		};
	}

	@Bean
	@ConditionalOnAvailableEndpoint
	@ConditionalOnMissingBean
	CompositionsEndpoint compositionsEndpoint(Compositions edgeCompositions) {
		return new CompositionsEndpoint(edgeCompositions);
	}

}
