package io.ftgo.edge.gateway.shedding;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limiter.AbstractLimiter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import io.ftgo.edge.gateway.pipeline.EdgeChainLink;
import io.ftgo.edge.gateway.pipeline.EdgeLinkType;
import io.ftgo.edge.composition.policy.PartitionedLimiters;
import io.ftgo.edge.composition.policy.ProviderLimit;
import io.ftgo.edge.security.web.Problems;

/**
 * The adaptive concurrency limit of the edge chain ({@link EdgeLinkType#SHEDDING}): after
 * the request limits and header hygiene, before authentication, routing and any provider
 * call. Each request is put in its priority partition ({@link PriorityClassifier}) and
 * asks the Netflix concurrency-limits partitioned limiter for a slot. While fewer
 * requests are in flight than the limit, every partition may use the spare capacity; at
 * the limit, a partition is admitted only within its guaranteed share, so low-priority
 * partitions (small shares, filled by their own traffic) are shed first and a
 * high-priority request still passes while its partition is within its share.
 * <p>
 * A shed request is answered at once with 503 problem+json ({@code code: overloaded}) and
 * {@code Retry-After}; nothing after this filter runs for it. With {@code writes: bypass}
 * (the default) requests other than GET, HEAD, OPTIONS and TRACE are never shed, so a
 * write is never shed before a read of its priority.
 * <p>
 * An admitted request's slot is released exactly once, whatever ends it: completion
 * ({@code onSuccess}; {@code onDropped} when the answer is 503 or 504, a sign of overload
 * the algorithm should see), error ({@code onDropped} for timeouts, else
 * {@code onIgnore}) or cancellation, e.g. a client that went away ({@code onIgnore}).
 */
public class ConcurrencyLimitWebFilter implements EdgeChainLink {

	/** Gauge: the current limit. */
	public static final String LIMIT_METRIC = "edge.concurrency.limit";

	/** Gauge per partition: the share of the limit it is guaranteed. */
	public static final String PARTITION_LIMIT_METRIC = "edge.concurrency.partition.limit";

	/** Gauge per partition: admitted requests not yet finished. */
	public static final String IN_FLIGHT_METRIC = "edge.concurrency.in_flight";

	/**
	 * Counter per partition and outcome ({@code admitted}, {@code rejected},
	 * {@code bypassed}).
	 */
	public static final String REQUESTS_METRIC = "edge.concurrency.requests";

	/** The exchange attribute holding the request's partition. */
	public static final String PARTITION_ATTR = "io.ftgo.edge.concurrency.partition";

	static final String DETAIL = "The service is overloaded; retry after the time given in Retry-After.";

	static final String CODE = "overloaded";

	private final Limiter<String> limiter;

	private final IntSupplier limit;

	private final PriorityClassifier classifier;

	private final boolean bypassWrites;

	private final String retryAfter;

	private final Map<String, Partition> partitions;

	private final Map<String, Object> settings;

	/**
	 * @param properties validated settings
	 * @param limiter the limiter ({@link ConcurrencyLimiters#build})
	 * @param meters where the limit, in-flight requests and outcomes are published (may
	 * be null); registered once, here
	 */
	public ConcurrencyLimitWebFilter(EdgeConcurrencyProperties properties, AbstractLimiter<String> limiter,
			MeterRegistry meters) {
		this(properties, limiter, limiter::getLimit, meters);
	}

	/**
	 * @param properties validated settings
	 * @param limiter the limiter, its context the partition name
	 * @param limit the limiter's current limit
	 * @param meters where the limit, in-flight requests and outcomes are published (may
	 * be null); registered once, here
	 */
	public ConcurrencyLimitWebFilter(EdgeConcurrencyProperties properties, Limiter<String> limiter, IntSupplier limit,
			MeterRegistry meters) {
		this.limiter = limiter;
		this.limit = limit;
		this.classifier = new PriorityClassifier(properties);
		this.bypassWrites = properties.bypassWrites();
		this.settings = Map.of("algorithm", properties.algorithm(), "partitions", properties.partitions(),
				"default-partition", String.valueOf(properties.defaultPartition()), "writes", properties.writes(),
				"excluded-paths", properties.exclude());
		MeterRegistry registry = (meters != null) ? meters : new SimpleMeterRegistry();
		long seconds = Math.max(1, (properties.retryAfter().toMillis() + 999) / 1000);
		this.retryAfter = Long.toString(seconds);
		Map<String, Partition> partitions = new LinkedHashMap<>();
		properties.partitions()
			.forEach((name, percent) -> partitions.put(name, new Partition(name, percent, limit, registry)));
		this.partitions = java.util.Collections.unmodifiableMap(partitions);
		Gauge.builder(LIMIT_METRIC, limit::getAsInt)
			.description("The adaptive concurrency limit of the edge")
			.register(registry);
	}

	@Override
	public EdgeLinkType linkType() {
		return EdgeLinkType.SHEDDING;
	}

	@Override
	public Map<String, Object> settings(List<String> pathPatterns) {
		return this.settings;
	}

	/** The current limit. */
	public int limit() {
		return this.limit.getAsInt();
	}

	/** Admitted requests of {@code partition} not yet finished. */
	public int inFlight(String partition) {
		Partition p = this.partitions.get(partition);
		return (p != null) ? p.inFlight.get() : 0;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		if (this.classifier.excluded(request)) {
			return chain.filter(exchange);
		}
		String name = this.classifier.partition(request);
		Partition partition = this.partitions.get(name);
		exchange.getAttributes().put(PARTITION_ATTR, name);
		if (this.bypassWrites && PriorityClassifier.isWrite(request)) {
			partition.bypassed.increment();
			return chain.filter(exchange).contextWrite((context) -> context.put(ProviderLimit.PRIORITY_KEY, name));
		}
		// The slot is taken when the answer is subscribed to, never earlier.
		return Mono.defer(() -> {
			Optional<Limiter.Listener> listener = this.limiter.acquire(name);
			if (listener.isEmpty()) {
				partition.rejected.increment();
				return shed(exchange);
			}
			partition.admitted.increment();
			PartitionedLimiters.Slot slot = new PartitionedLimiters.Slot(listener.get(), partition.inFlight);
			// The partition travels to every provider call the request makes
			// (ProviderLimit): low priority gives way first at a provider too.
			return Mono.defer(() -> chain.filter(exchange))
				.contextWrite((context) -> context.put(ProviderLimit.PRIORITY_KEY, name))
				.doOnError(slot::failed)
				.doFinally((signal) -> slot.finished(signal, () -> overloaded(exchange),
						ConcurrencyLimitWebFilter::isTimeout));
		});
	}

	private Mono<Void> shed(ServerWebExchange exchange) {
		exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, this.retryAfter);
		return Problems.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, DETAIL, CODE);
	}

	/** An answer of 503 or 504: a sign of overload the algorithm should see. */
	private static boolean overloaded(ServerWebExchange exchange) {
		HttpStatusCode status = exchange.getResponse().getStatusCode();
		return status != null && (status.value() == 503 || status.value() == 504);
	}

	static boolean isTimeout(Throwable error) {
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			if (cause instanceof TimeoutException) {
				return true;
			}
			if (cause instanceof ResponseStatusException status
					&& (status.getStatusCode().value() == 503 || status.getStatusCode().value() == 504)) {
				return true;
			}
		}
		return false;
	}

	/** A partition's meters and in-flight count. */
	private static final class Partition {

		private final AtomicInteger inFlight = new AtomicInteger();

		private final Counter admitted;

		private final Counter rejected;

		private final Counter bypassed;

		Partition(String name, int percent, IntSupplier limit, MeterRegistry meters) {
			this.admitted = counter(name, "admitted", meters);
			this.rejected = counter(name, "rejected", meters);
			this.bypassed = counter(name, "bypassed", meters);
			Gauge.builder(IN_FLIGHT_METRIC, this.inFlight::get)
				.description("Admitted requests not yet finished, by priority partition")
				.tag("partition", name)
				.register(meters);
			Gauge.builder(PARTITION_LIMIT_METRIC, () -> Math.max(1, Math.ceil(limit.getAsInt() * percent / 100.0)))
				.description("The share of the limit a priority partition is guaranteed")
				.tag("partition", name)
				.register(meters);
		}

		private static Counter counter(String partition, String outcome, MeterRegistry meters) {
			return Counter.builder(REQUESTS_METRIC)
				.description("Requests seen by the concurrency limit, by priority partition and outcome")
				.tag("partition", partition)
				.tag("outcome", outcome)
				.register(meters);
		}

	}

}
