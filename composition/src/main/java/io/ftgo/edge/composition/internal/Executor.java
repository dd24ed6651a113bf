package io.ftgo.edge.composition.internal;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.ftgo.edge.composition.CompositionException;
import io.ftgo.edge.composition.CompositionListener;
import io.ftgo.edge.composition.CompositionRequest;
import io.ftgo.edge.composition.CompositionResult;
import io.ftgo.edge.composition.FailureReason;
import io.ftgo.edge.composition.ItemFailure;
import io.ftgo.edge.composition.PartContext;
import io.ftgo.edge.composition.PartMetadata;
import io.ftgo.edge.composition.ParameterType;
import io.ftgo.edge.composition.PartStatus;
import io.ftgo.edge.composition.PayloadShape;
import io.ftgo.edge.composition.fallback.CallKey;
import io.ftgo.edge.composition.fallback.InFlightCalls;
import io.ftgo.edge.composition.fallback.LastGoodCache;
import io.ftgo.edge.composition.plan.PlannedComposition;
import io.ftgo.edge.composition.plan.PlannedPart;
import io.ftgo.edge.composition.plan.Reference;
import io.ftgo.edge.composition.policy.CallFailure;
import io.ftgo.edge.composition.policy.Deadline;
import io.ftgo.edge.composition.policy.Failures;
import io.ftgo.edge.composition.policy.ProviderPolicy;
import io.ftgo.edge.composition.policy.ProviderSettings;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs planned compositions (internal). Each part is a {@code Mono} that waits for the
 * parts it depends on ({@code Mono.when}), then calls its provider through the provider's
 * policy, request collapsing and last-good cache; parts other parts wait on are
 * {@code cache()}d so they run once. An optional part's failure becomes a stale, default
 * or omitted outcome; a required part's failure a {@link CompositionException}, which
 * fails the final {@code zip} and cancels what is still waiting.
 */
public final class Executor {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private final Map<String, Runtime> runtimes = new LinkedHashMap<>();

	private final InFlightCalls inFlight = new InFlightCalls();

	private final WebClient webClient;

	private final JsonMapper mapper;

	private final Scheduler scheduler;

	private final CompositionListener listener;

	/**
	 * Create an executor with one policy and one last-good cache per provider.
	 * @param providers provider settings by id
	 * @param webClient the client for HTTP parts
	 * @param mapper parses provider answers
	 * @param scheduler timers and clock
	 * @param listener per-part and per-request events
	 */
	public Executor(Map<String, ProviderSettings> providers, WebClient webClient, JsonMapper mapper,
			Scheduler scheduler, CompositionListener listener) {
		this.webClient = webClient;
		this.mapper = mapper;
		this.scheduler = scheduler;
		this.listener = listener;
		providers.forEach((id, settings) -> this.runtimes.put(id, new Runtime(new ProviderPolicy(settings, scheduler),
				settings.keepsLastGood() ? new LastGoodCache(settings, scheduler) : null)));
	}

	/**
	 * The policy of a provider.
	 * @param provider the provider id
	 * @return the policy or {@code null}
	 */
	public ProviderPolicy policy(String provider) {
		Runtime runtime = this.runtimes.get(provider);
		return (runtime != null) ? runtime.policy : null;
	}

	/**
	 * Calls in flight now, across requests.
	 * @return the number of distinct shared calls
	 */
	public int inFlight() {
		return this.inFlight.size();
	}

	/**
	 * One protected call outside a planned composition (for {@code ProviderCalls}): the
	 * provider's policy under {@code deadline}, collapsed with identical calls in flight
	 * when idempotent, and the last good value stored on success.
	 * @param key the call identity (provider, target, identity scope)
	 * @param attempt makes one attempt
	 * @param deadline the request deadline
	 * @param idempotent whether it may be retried and collapsed
	 * @return the answer or a failure
	 */
	public Mono<JsonNode> single(CallKey key, Supplier<Mono<JsonNode>> attempt, Deadline deadline, boolean idempotent) {
		Runtime runtime = this.runtimes.get(key.provider());
		Supplier<Mono<JsonNode>> shared = () -> {
			Mono<JsonNode> mono = runtime.policy.protect(attempt, deadline, idempotent);
			return (runtime.lastGood != null) ? mono.doOnNext((value) -> runtime.lastGood.put(key, value)) : mono;
		};
		if (!idempotent) {
			return shared.get();
		}
		return this.inFlight.collapse(key, shared, (joined) -> Mono.defer(() -> {
			long left = deadline.remainingNanos();
			if (left <= 0) {
				return Mono.error(new CallFailure(FailureReason.TIMEOUT, 0));
			}
			return joined.timeout(Duration.ofNanos(left), this.scheduler);
		}));
	}

	/**
	 * The last-good cache of a provider (for {@code ProviderCalls}).
	 * @param provider the provider id
	 * @return the cache, or {@code null} when the provider keeps none
	 */
	public LastGoodCache lastGood(String provider) {
		Runtime runtime = this.runtimes.get(provider);
		return (runtime != null) ? runtime.lastGood : null;
	}

	/**
	 * One HTTP attempt on a provider (for {@code ProviderCalls}): a GET when {@code body}
	 * is {@code null}, else a POST of it as JSON.
	 * @param provider the provider id
	 * @param path the expanded path and query
	 * @param body the JSON body of a POST, or {@code null} for a GET
	 * @param headers headers to send
	 * @return the parsed answer
	 */
	public Mono<JsonNode> httpAttempt(String provider, String path, JsonNode body, Map<String, String> headers) {
		ProviderSettings settings = this.runtimes.get(provider).policy.settings();
		if (body == null) {
			return http(settings, path, headers);
		}
		return this.webClient.post()
			.uri(URI.create(settings.url() + path))
			.headers((h) -> headers.forEach(h::set))
			.contentType(org.springframework.http.MediaType.APPLICATION_JSON)
			.bodyValue(this.mapper.writeValueAsBytes(body))
			.retrieve()
			.bodyToMono(byte[].class)
			.switchIfEmpty(Mono.error(() -> new CallFailure(FailureReason.BAD_PAYLOAD, 0)))
			.map(this.mapper::readTree);
	}

	/**
	 * The engine's clock.
	 * @return the scheduler
	 */
	public Scheduler scheduler() {
		return this.scheduler;
	}

	/**
	 * Executes a composition.
	 * @param plan the plan
	 * @param request the request
	 * @return the answer, or a {@link CompositionException}
	 */
	@SuppressWarnings("unchecked")
	public Mono<CompositionResult> execute(PlannedComposition plan, CompositionRequest request) {
		Mono<CompositionResult> result = Mono.defer(() -> {
			String invalid = invalidParameter(plan, request);
			if (invalid != null) {
				return Mono.error(new CompositionException(CompositionException.Kind.BAD_REQUEST, plan.name(), null,
						null, null, invalid));
			}
			for (String parameter : plan.requestParameters()) {
				if (request.parameters().get(parameter) == null) {
					return Mono.error(new CompositionException(CompositionException.Kind.BAD_REQUEST, plan.name(), null,
							null, null, "missing request parameter '" + parameter + "'"));
				}
			}
			Run run = new Run(plan, request, new Deadline(this.scheduler, plan.deadline()));
			if (plan.authorization() != null && plan.authorization().partIndex() < 0
					&& !plan.authorization().test(request, run.raw)) {
				return Mono.error(notFound(plan, null));
			}
			List<PlannedPart> parts = plan.parts();
			Mono<Outcome>[] monos = new Mono[parts.size()];
			for (int i : plan.order()) {
				PlannedPart part = parts.get(i);
				int[] deps = part.dependsOn();
				// Parts without inputs are assembled now (inside this defer, i.e. at
				// subscription); the others when their inputs have answered.
				Mono<Outcome> mono = (deps.length == 0) ? start(run, part) : Mono.defer(() -> start(run, part));
				if (deps.length == 1) {
					mono = monos[deps[0]].then(mono);
				}
				else if (deps.length > 1) {
					Mono<?>[] inputs = new Mono<?>[deps.length];
					for (int d = 0; d < deps.length; d++) {
						inputs[d] = monos[deps[d]];
					}
					mono = Mono.when(inputs).then(mono);
				}
				monos[i] = part.hasDependents() ? mono.cache() : mono;
			}
			return Mono.zip(Arrays.asList(monos), (outcomes) -> merge(run, outcomes));
		});
		return result.doOnNext((r) -> safely(() -> this.listener.onResult(plan.name(), r)))
			.doOnError(CompositionException.class, (e) -> safely(() -> this.listener.onError(plan.name(), e)));
	}

	/**
	 * Why the request's parameters are refused, or null: a value that does not fit the
	 * type of its request parameter. The message names the parameter and the expectation,
	 * never the value. Parameters the request does not list are the HTTP layer's business
	 * (they are not used here).
	 */
	private static String invalidParameter(PlannedComposition plan, CompositionRequest request) {
		for (Map.Entry<String, ParameterType> parameter : plan.parameterTypes().entrySet()) {
			String value = request.parameters().get(parameter.getKey());
			if (value != null && !parameter.getValue().accepts(value)) {
				return "Parameter '" + parameter.getKey() + "' must be " + parameter.getValue().expectation();
			}
		}
		return null;
	}

	private Mono<Outcome> start(Run run, PlannedPart part) {
		long started = now();
		if (part.forEach() != null) {
			return fanOut(run, part, started);
		}
		Call call = prepare(run, part, null);
		if (call == null) {
			return failed(run, part, new CallFailure(FailureReason.UNRESOLVED, 0), null, started);
		}
		Mono<Outcome> outcome = call(run, part, call).map((value) -> fresh(run, part, value, started))
			.onErrorResume((error) -> failed(run, part, Failures.classify(error), call.key, started));
		if (run.plan.authorization() != null && run.plan.authorization().partIndex() == part.index()) {
			return outcome.flatMap((o) -> authorize(run, part, o));
		}
		return outcome;
	}

	/** Resolves a call's inputs; {@code null} when one has no value. */
	private Call prepare(Run run, PlannedPart part, JsonNode item) {
		ProviderSettings provider = part.provider();
		String scope = provider.shared() ? "" : run.scope;
		if (part.template() != null) {
			String path = part.template().expand(run.request, run.raw, item);
			if (path == null) {
				return null;
			}
			return new Call(new CallKey(provider.id(), path, scope),
					() -> expect(part, http(provider, path, run.request.headers())));
		}
		Map<String, String> values = new LinkedHashMap<>();
		StringBuilder target = new StringBuilder("source:").append(run.plan.name())
			.append('/')
			.append(part.name())
			.append('?');
		for (Map.Entry<String, Reference> use : part.uses().entrySet()) {
			String value = use.getValue().text(run.request, run.raw, item);
			if (value == null) {
				return null;
			}
			values.put(use.getKey(), value);
			target.append(use.getKey()).append('=').append(value).append('&');
		}
		Context context = new Context(values, item, run.request);
		return new Call(new CallKey(provider.id(), target.toString(), scope),
				() -> expect(part,
						part.source()
							.call(context)
							.switchIfEmpty(Mono.error(() -> new CallFailure(FailureReason.BAD_PAYLOAD, 0)))));
	}

	/**
	 * A 2xx answer of the wrong shape fails inside the protected attempt: the breaker
	 * counts it and the last-good cache never keeps it.
	 */
	private static Mono<JsonNode> expect(PlannedPart part, Mono<JsonNode> answer) {
		PayloadShape shape = part.expect();
		return answer.handle((value, sink) -> {
			if (shape.accepts(value)) {
				sink.next(value);
			}
			else {
				sink.error(new CallFailure(FailureReason.BAD_PAYLOAD, 0));
			}
		});
	}

	private Mono<JsonNode> http(ProviderSettings provider, String path, Map<String, String> headers) {
		WebClient.RequestHeadersSpec<?> spec = this.webClient.get().uri(URI.create(provider.url() + path));
		if (!headers.isEmpty()) {
			spec = spec.headers((h) -> headers.forEach(h::set));
		}
		return spec.retrieve()
			.bodyToMono(byte[].class)
			.switchIfEmpty(Mono.error(() -> new CallFailure(FailureReason.BAD_PAYLOAD, 0)))
			.map(this.mapper::readTree);
	}

	/** The protected, collapsed call. */
	private Mono<JsonNode> call(Run run, PlannedPart part, Call call) {
		Runtime runtime = this.runtimes.get(part.provider().id());
		Supplier<Mono<JsonNode>> shared = () -> {
			Mono<JsonNode> mono = runtime.policy.protect(call.attempt, run.deadline, part.idempotent());
			return (runtime.lastGood != null) ? mono.doOnNext((value) -> runtime.lastGood.put(call.key, value)) : mono;
		};
		if (!part.idempotent()) {
			return shared.get();
		}
		// A joiner waits for another caller's call, but only as long as its own deadline.
		return this.inFlight.collapse(call.key, shared, (joined) -> Mono.defer(() -> {
			long left = run.deadline.remainingNanos();
			if (left <= 0) {
				return Mono.error(new CallFailure(FailureReason.TIMEOUT, 0));
			}
			return joined.timeout(Duration.ofNanos(left), this.scheduler);
		}));
	}

	private Outcome fresh(Run run, PlannedPart part, JsonNode value, long started) {
		run.raw[part.index()] = value;
		return outcome(run, part, value, part.projection().apply(value),
				new PartMetadata(PartStatus.FRESH, null, null, null, since(started), 0, 0));
	}

	private Mono<Outcome> authorize(Run run, PlannedPart part, Outcome outcome) {
		if (run.plan.authorization().test(run.request, run.raw)) {
			return Mono.just(outcome);
		}
		return Mono.error(notFound(run.plan, part));
	}

	private Mono<Outcome> failed(Run run, PlannedPart part, CallFailure failure, CallKey key, long started) {
		Integer status = (failure.httpStatus() != 0) ? failure.httpStatus() : null;
		if (part.required()) {
			notify(run, part,
					new PartMetadata(PartStatus.FAILED, failure.reason(), status, null, since(started), 0, 0));
			return Mono.error(failure(run.plan, part, failure));
		}
		Runtime runtime = this.runtimes.get(part.provider().id());
		if (key != null && runtime.lastGood != null) {
			LastGoodCache.Stamped stamped = runtime.lastGood.get(key);
			if (stamped != null) {
				run.raw[part.index()] = stamped.value();
				return Mono.just(outcome(run, part, stamped.value(), part.projection().apply(stamped.value()),
						new PartMetadata(PartStatus.STALE, failure.reason(), status, runtime.lastGood.age(stamped),
								since(started), 0, 0)));
			}
		}
		if (part.defaultValue() != null) {
			run.raw[part.index()] = part.defaultValue();
			return Mono.just(outcome(run, part, part.defaultValue(), part.defaultValue(),
					new PartMetadata(PartStatus.DEFAULT, failure.reason(), status, null, since(started), 0, 0)));
		}
		return Mono.just(outcome(run, part, null, null,
				new PartMetadata(PartStatus.OMITTED, failure.reason(), status, null, since(started), 0, 0)));
	}

	private Mono<Outcome> fanOut(Run run, PlannedPart part, long started) {
		Object items = part.forEach().resolve(run.request, run.raw, null);
		if (!(items instanceof ArrayNode array)) {
			FailureReason reason = (items == null) ? FailureReason.UNRESOLVED : FailureReason.BAD_PAYLOAD;
			return failed(run, part, new CallFailure(reason, 0), null, started);
		}
		List<JsonNode> selected = (part.selection() != null) ? part.selection().select(array, run.request, run.raw)
				: toList(array);
		return Flux.fromIterable(selected)
			.flatMapSequential((item) -> item(run, part, item), part.concurrency())
			.collectList()
			.map((list) -> aggregate(run, part, list, started))
			.onErrorResume(CallFailure.class, (failure) -> failed(run, part, failure, null, started));
	}

	private static List<JsonNode> toList(ArrayNode array) {
		List<JsonNode> items = new java.util.ArrayList<>(array.size());
		array.forEach(items::add);
		return items;
	}

	private Mono<Item> item(Run run, PlannedPart part, JsonNode item) {
		Call call = prepare(run, part, item);
		if (call == null) {
			return itemFailed(part, new CallFailure(FailureReason.UNRESOLVED, 0), null);
		}
		return call(run, part, call).map((value) -> new Item(value, PartStatus.FRESH, null, 0, null))
			.onErrorResume((error) -> itemFailed(part, Failures.classify(error), call.key));
	}

	private Mono<Item> itemFailed(PlannedPart part, CallFailure failure, CallKey key) {
		Runtime runtime = this.runtimes.get(part.provider().id());
		if (!part.required() && key != null && runtime.lastGood != null) {
			LastGoodCache.Stamped stamped = runtime.lastGood.get(key);
			if (stamped != null) {
				return Mono.just(new Item(stamped.value(), PartStatus.STALE, failure.reason(), failure.httpStatus(),
						runtime.lastGood.age(stamped)));
			}
		}
		if (part.onItemFailure() == ItemFailure.FAIL) {
			return Mono.error(failure);
		}
		JsonNode placeholder = (part.onItemFailure() == ItemFailure.NULL) ? NullNode.getInstance() : null;
		return Mono.just(new Item(placeholder, PartStatus.OMITTED, failure.reason(), failure.httpStatus(), null));
	}

	private Outcome aggregate(Run run, PlannedPart part, List<Item> items, long started) {
		ArrayNode raw = NODES.arrayNode(items.size());
		ArrayNode output = NODES.arrayNode(items.size());
		int failedItems = 0;
		boolean stale = false;
		FailureReason reason = null;
		Integer status = null;
		Duration age = null;
		for (Item item : items) {
			if (item.reason != null && reason == null) {
				reason = item.reason;
				status = (item.httpStatus != 0) ? item.httpStatus : null;
			}
			if (item.status == PartStatus.OMITTED) {
				failedItems++;
				if (item.value == null) {
					continue;
				}
				raw.add(item.value);
				output.add(item.value);
				continue;
			}
			if (item.status == PartStatus.STALE) {
				stale = true;
				age = (age == null || item.age.compareTo(age) > 0) ? item.age : age;
			}
			raw.add(item.value);
			output.add(part.projection().apply(item.value));
		}
		PartStatus partStatus = (failedItems > 0) ? PartStatus.PARTIAL : stale ? PartStatus.STALE : PartStatus.FRESH;
		run.raw[part.index()] = raw;
		return outcome(run, part, raw, output,
				new PartMetadata(partStatus, reason, status, age, since(started), items.size(), failedItems));
	}

	private Outcome outcome(Run run, PlannedPart part, JsonNode raw, JsonNode output, PartMetadata metadata) {
		notify(run, part, metadata);
		return new Outcome(output, metadata);
	}

	private CompositionResult merge(Run run, Object[] outcomes) {
		ObjectNode body = NODES.objectNode();
		Map<String, PartMetadata> metadata = new LinkedHashMap<>();
		boolean complete = true;
		List<PlannedPart> parts = run.plan.parts();
		for (int i = 0; i < outcomes.length; i++) {
			Outcome outcome = (Outcome) outcomes[i];
			String name = parts.get(i).name();
			if (outcome.output != null) {
				body.set(name, outcome.output);
			}
			metadata.put(name, outcome.metadata);
			complete &= outcome.metadata.status() == PartStatus.FRESH;
		}
		return new CompositionResult(body, metadata, complete);
	}

	private static CompositionException failure(PlannedComposition plan, PlannedPart part, CallFailure failure) {
		CompositionException.Kind kind = switch (failure.reason()) {
			case TIMEOUT -> CompositionException.Kind.TIMEOUT;
			case CIRCUIT_OPEN, BULKHEAD_FULL -> CompositionException.Kind.UNAVAILABLE;
			case HTTP_STATUS -> (failure.httpStatus() == 404) ? CompositionException.Kind.NOT_FOUND
					: CompositionException.Kind.BAD_GATEWAY;
			default -> CompositionException.Kind.BAD_GATEWAY;
		};
		String what = (failure.reason() == FailureReason.HTTP_STATUS) ? "answered " + failure.httpStatus()
				: failure.reason().label();
		return new CompositionException(kind, plan.name(), part.name(), part.provider().id(), failure.reason(),
				"required part '" + part.name() + "' of '" + plan.name() + "' failed: provider '" + part.provider().id()
						+ "' " + what);
	}

	private static CompositionException notFound(PlannedComposition plan, PlannedPart part) {
		return new CompositionException(CompositionException.Kind.NOT_FOUND, plan.name(),
				(part != null) ? part.name() : null, (part != null) ? part.provider().id() : null, null, "not found");
	}

	private void notify(Run run, PlannedPart part, PartMetadata metadata) {
		safely(() -> this.listener.onPart(run.plan.name(), part.name(), part.provider().id(), metadata));
	}

	private static void safely(Runnable action) {
		try {
			action.run();
		}
		catch (RuntimeException ex) {
			// A faulty listener must not fail the request.
		}
	}

	private long now() {
		return this.scheduler.now(TimeUnit.NANOSECONDS);
	}

	private Duration since(long started) {
		return Duration.ofNanos(now() - started);
	}

	/** Per-provider runtime state. */
	private record Runtime(ProviderPolicy policy, LastGoodCache lastGood) {
	}

	/** One execution's state; raw answers are written before dependents subscribe. */
	private static final class Run {

		final PlannedComposition plan;

		final CompositionRequest request;

		final Deadline deadline;

		final JsonNode[] raw;

		final String scope;

		Run(PlannedComposition plan, CompositionRequest request, Deadline deadline) {
			this.plan = plan;
			this.request = request;
			this.deadline = deadline;
			this.raw = new JsonNode[plan.parts().size()];
			this.scope = scope(request);
		}

		/**
		 * Fail-safe identity scope: without an explicit one, a request that carries
		 * credentials or principal attributes is scoped by them (never shared with
		 * another user); only a request with none of these is anonymous.
		 */
		private static String scope(CompositionRequest request) {
			if (request.identityScope() != null) {
				return "scope:" + request.identityScope();
			}
			for (Map.Entry<String, String> header : request.headers().entrySet()) {
				if ("Authorization".equalsIgnoreCase(header.getKey())) {
					return "authorization:" + header.getValue();
				}
			}
			return request.principal().isEmpty() ? "" : "principal:" + request.principal();
		}

	}

	private record Call(CallKey key, Supplier<Mono<JsonNode>> attempt) {
	}

	private record Outcome(JsonNode output, PartMetadata metadata) {
	}

	private record Item(JsonNode value, PartStatus status, FailureReason reason, int httpStatus, Duration age) {
	}

	private record Context(Map<String, String> values, JsonNode item,
			CompositionRequest request) implements PartContext {

		@Override
		public String value(String reference) {
			String value = this.values.get(reference);
			if (value == null) {
				throw new IllegalArgumentException(
						"reference: " + reference + " (expected: one the part declared with uses(...))");
			}
			return value;
		}

	}

}
