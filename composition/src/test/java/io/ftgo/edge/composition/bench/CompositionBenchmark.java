package io.ftgo.edge.composition.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.ftgo.edge.composition.Composition;
import io.ftgo.edge.composition.CompositionEngine;
import io.ftgo.edge.composition.CompositionRequest;
import io.ftgo.edge.composition.CompositionResult;
import io.ftgo.edge.composition.ProviderDefinition;
import io.ftgo.edge.composition.ProviderRegistry;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Engine overhead against hand-written Reactor code doing the same composition, with
 * in-memory sources (no network): {@code parallel} is N independent parts,
 * {@code sequential} is one part then N-1 parts that read its answer (two stages).
 *
 * <ul>
 * <li>{@code engine}: the composition engine; parts are declared idempotent like HTTP
 * GETs, so the whole pipeline runs (deadline, breaker, bulkhead, retry, collapsing,
 * last-good cache, metadata).</li>
 * <li>{@code engineOnParallelScheduler}: the same with timeouts on Reactor's
 * {@code Schedulers.parallel()} instead of the default wheel timer.</li>
 * <li>{@code handWritten}: {@code Mono.zip}/{@code flatMap} and a merge into one
 * {@code ObjectNode}, no protection (the book's gateway).</li>
 * <li>{@code handWrittenProtected}: the same plus, per call, what a careful hand-written
 * version adds: {@code timeout}, a resilience4j circuit breaker and bulkhead per
 * provider.</li>
 * </ul>
 *
 * Run with {@code composition/bench.sh} (see composition/README.md). Not a test.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CompositionBenchmark {

	@Param({ "1", "5", "20" })
	public int parts;

	@Param({ "parallel", "sequential" })
	public String shape;

	private CompositionEngine engine;

	private CompositionEngine engineOnParallel;

	private Composition composition;

	private CompositionRequest request;

	private JsonNode[] answers;

	private CircuitBreaker[] breakers;

	private Bulkhead[] bulkheads;

	@Setup
	public void setUp() {
		JsonMapper mapper = JsonMapper.builder().build();
		this.answers = new JsonNode[this.parts];
		Map<String, ProviderDefinition> providers = new LinkedHashMap<>();
		this.breakers = new CircuitBreaker[this.parts];
		this.bulkheads = new Bulkhead[this.parts];
		for (int i = 0; i < this.parts; i++) {
			this.answers[i] = mapper.readTree("{\"id\":" + (7000 + i) + ",\"state\":\"APPROVED\",\"total\":\"61.70\"}");
			providers.put("p" + i, ProviderDefinition.of(null));
			this.breakers[i] = CircuitBreaker.ofDefaults("p" + i);
			this.bulkheads[i] = Bulkhead.of("p" + i,
					BulkheadConfig.custom().maxConcurrentCalls(64).maxWaitDuration(Duration.ZERO).build());
		}
		ProviderRegistry registry = ProviderRegistry.of(providers);
		Composition.Builder builder = Composition.builder("bench").request("GET /bench/{id}");
		for (int i = 0; i < this.parts; i++) {
			JsonNode answer = this.answers[i];
			String provider = "p" + i;
			boolean dependent = "sequential".equals(this.shape) && i > 0;
			builder.part("p" + i, (p) -> {
				p.from(provider).idempotent(true).source((ctx) -> Mono.just(answer));
				if (dependent) {
					p.uses("p0.id");
				}
				else {
					p.uses("id");
				}
			});
		}
		this.composition = builder.build(registry);
		this.engine = CompositionEngine.builder(registry).build();
		this.engineOnParallel = CompositionEngine.builder(registry).scheduler(Schedulers.parallel()).build();
		this.request = CompositionRequest.of(Map.of("id", "7001")).withPrincipal("alice", Map.of());
	}

	@Benchmark
	public CompositionResult engine() {
		return this.engine.execute(this.composition, this.request).block();
	}

	@Benchmark
	public CompositionResult engineOnParallelScheduler() {
		return this.engineOnParallel.execute(this.composition, this.request).block();
	}

	@Benchmark
	public ObjectNode handWritten() {
		return handWritten(false).block();
	}

	@Benchmark
	public ObjectNode handWrittenProtected() {
		return handWritten(true).block();
	}

	private Mono<JsonNode> call(int i, boolean protect) {
		Mono<JsonNode> call = Mono.just(this.answers[i]);
		if (!protect) {
			return call;
		}
		return call.timeout(Duration.ofSeconds(1), Schedulers.parallel())
			.transformDeferred(BulkheadOperator.of(this.bulkheads[i]))
			.transformDeferred(CircuitBreakerOperator.of(this.breakers[i]));
	}

	private Mono<ObjectNode> handWritten(boolean protect) {
		if ("sequential".equals(this.shape) && this.parts > 1) {
			return call(0, protect).flatMap((first) -> {
				String id = first.get("id").asString();
				Mono<?>[] rest = new Mono<?>[this.parts - 1];
				for (int i = 1; i < this.parts; i++) {
					int index = i;
					rest[i - 1] = Mono.defer(() -> (id != null) ? call(index, protect) : Mono.empty());
				}
				return Mono.zip((values) -> {
					ObjectNode body = JsonNodeFactory.instance.objectNode();
					body.set("p0", first);
					for (int i = 0; i < values.length; i++) {
						body.set("p" + (i + 1), (JsonNode) values[i]);
					}
					return body;
				}, rest);
			});
		}
		Mono<?>[] all = new Mono<?>[this.parts];
		for (int i = 0; i < this.parts; i++) {
			all[i] = call(i, protect);
		}
		return Mono.zip((values) -> {
			ObjectNode body = JsonNodeFactory.instance.objectNode();
			for (int i = 0; i < values.length; i++) {
				body.set("p" + i, (JsonNode) values[i]);
			}
			return body;
		}, all);
	}

}
