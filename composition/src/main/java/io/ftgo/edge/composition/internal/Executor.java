package io.ftgo.edge.composition.internal;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.ftgo.edge.composition.CompositionException;
import io.ftgo.edge.composition.CompositionListener;
import io.ftgo.edge.composition.CompositionRequest;
import io.ftgo.edge.composition.CompositionResult;
import io.ftgo.edge.composition.FailureReason;
import io.ftgo.edge.composition.ParameterType;
import io.ftgo.edge.composition.PartMetadata;
import io.ftgo.edge.composition.PartStatus;
import io.ftgo.edge.composition.fallback.CallKey;
import io.ftgo.edge.composition.plan.PlannedComposition;
import io.ftgo.edge.composition.plan.PlannedPart;
import io.ftgo.edge.composition.policy.CallFailure;
import io.ftgo.edge.composition.policy.Deadline;
import io.ftgo.edge.composition.policy.Failures;
import io.ftgo.edge.composition.policy.HedgeMark;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs planned compositions (internal): the dataflow and the merge. Each part is a
 * {@code Mono} that waits for the parts it depends on ({@code Mono.when}), then makes its
 * call ({@link PartCall}, or {@link FanOut} for a {@code for-each} part) through
 * {@link ProtectedCalls}; parts other parts wait on are {@code cache()}d so they run
 * once. An optional part's failure walks the {@link Fallbacks} chain; a required part's
 * failure is a {@link CompositionException}, which fails the final {@code zip} and
 * cancels what is still waiting.
 */
public final class Executor {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private final ProtectedCalls calls;

	private final PartCall partCall;

	private final FanOut fanOut;

	private final CompositionListener listener;

	/**
	 * Create an executor.
	 * @param calls the protected calls of the engine's providers
	 * @param listener per-part and per-request events
	 */
	public Executor(ProtectedCalls calls, CompositionListener listener) {
		this.calls = calls;
		this.partCall = new PartCall(calls);
		this.fanOut = new FanOut(this.partCall, calls);
		this.listener = listener;
	}

	/**
	 * Executes a composition.
	 * @param plan the plan
	 * @param request the request
	 * @return the answer, or a {@link CompositionException}
	 */
	public Mono<CompositionResult> execute(PlannedComposition plan, CompositionRequest request) {
		return execute(plan, request, null);
	}

	/**
	 * Executes a composition under the smaller of its deadline and {@code deadline}.
	 * @param plan the plan
	 * @param request the request
	 * @param deadline a shorter deadline, or {@code null}
	 * @return the answer, or a {@link CompositionException}
	 */
	@SuppressWarnings("unchecked")
	public Mono<CompositionResult> execute(PlannedComposition plan, CompositionRequest request,
			java.time.Duration deadline) {
		java.time.Duration budget = (deadline != null && deadline.compareTo(plan.deadline()) < 0) ? deadline
				: plan.deadline();
		Mono<CompositionResult> result = Mono.defer(() -> {
			String invalid = invalidParameter(plan, request);
			if (invalid != null) {
				return Mono.error(CompositionException.badRequest(plan.name(), invalid));
			}
			for (String parameter : plan.requestParameters()) {
				if (request.parameters().get(parameter) == null) {
					return Mono.error(CompositionException.badRequest(plan.name(),
							"missing request parameter '" + parameter + "'"));
				}
			}
			Run run = new Run(plan, request, new Deadline(this.calls.scheduler(), budget));
			if (plan.authorization() != null && plan.authorization().partIndex() < 0
					&& !plan.authorization().test(request, run.raw)) {
				return Mono.error(CompositionException.notFound(plan.name(), null, null));
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

	/**
	 * A part's evaluation inside the listener's {@link CompositionListener.PartScope}
	 * (started at subscription, ended once with the outcome).
	 */
	private Mono<Outcome> start(Run run, PlannedPart part) {
		return Mono.deferContextual((context) -> {
			CompositionListener.PartScope scope = startScope(run, part, context);
			if (scope == CompositionListener.PartScope.NONE) {
				return evaluate(run, part);
			}
			AtomicBoolean ended = new AtomicBoolean();
			return evaluate(run, part)
				.doOnSuccess((outcome) -> end(scope, ended, (outcome != null) ? outcome.metadata : null, null))
				.doOnError((error) -> end(scope, ended, null, error))
				.doOnCancel(() -> end(scope, ended, null, null))
				.contextWrite(scope::enrich);
		});
	}

	private CompositionListener.PartScope startScope(Run run, PlannedPart part, ContextView context) {
		try {
			CompositionListener.PartScope scope = this.listener.startPart(run.plan.name(), part.name(),
					part.provider().id(), context);
			return (scope != null) ? scope : CompositionListener.PartScope.NONE;
		}
		catch (RuntimeException ex) {
			// A faulty listener must not fail the request.
			return CompositionListener.PartScope.NONE;
		}
	}

	private static void end(CompositionListener.PartScope scope, AtomicBoolean ended, PartMetadata metadata,
			Throwable error) {
		if (ended.compareAndSet(false, true)) {
			safely(() -> scope.end(metadata, error));
		}
	}

	private Mono<Outcome> evaluate(Run run, PlannedPart part) {
		long started = now();
		// Set by the provider's hedging when a hedge answers one of this part's calls,
		// and when its retry budget refuses a retry or a hedge of one of them.
		HedgeMark mark = new HedgeMark();
		if (part.forEach() != null) {
			return this.fanOut.run(run, part).map((aggregate) -> {
				run.raw[part.index()] = aggregate.raw();
				return outcome(run, part, aggregate.output(),
						aggregate.metadata(since(started))
							.withHedged(mark.hedged())
							.withRetryRefused(mark.retryRefused()));
			})
				.onErrorResume(CallFailure.class, (failure) -> failed(run, part, failure, null, started, mark))
				.contextWrite((context) -> context.put(HedgeMark.class, mark));
		}
		PartCall.Call call = this.partCall.prepare(run, part, null);
		if (call == null) {
			return failed(run, part, new CallFailure(FailureReason.UNRESOLVED, 0), null, started, null);
		}
		Mono<Outcome> outcome = this.partCall.run(run, part, call)
			.map((served) -> fresh(run, part, served, started, mark))
			.onErrorResume((error) -> failed(run, part, Failures.classify(error), call.key(), started, mark))
			.contextWrite((context) -> context.put(HedgeMark.class, mark));
		if (run.plan.authorization() != null && run.plan.authorization().partIndex() == part.index()) {
			return outcome.flatMap((o) -> authorize(run, part, o));
		}
		return outcome;
	}

	/**
	 * A provider answer, just fetched or from the stale-while-revalidate cache: within
	 * {@code refresh-after} it is {@code fresh} (with its age), within the grace
	 * {@code stale} with reason {@code revalidating}; {@code hedged} when a hedge
	 * answered, {@code retryRefused} when the retry budget refused a hedge (the first
	 * attempt answered).
	 */
	private Outcome fresh(Run run, PlannedPart part, ProtectedCalls.Served served, long started, HedgeMark mark) {
		JsonNode value = served.value();
		run.raw[part.index()] = value;
		PartMetadata metadata = served.revalidating() ? new PartMetadata(PartStatus.STALE, FailureReason.REVALIDATING,
				null, served.age(), since(started), 0, 0)
				: new PartMetadata(PartStatus.FRESH, null, null, served.age(), since(started), 0, 0);
		return outcome(run, part, part.projection().apply(value),
				metadata.withHedged(mark.hedged()).withRetryRefused(mark.retryRefused()));
	}

	private Mono<Outcome> authorize(Run run, PlannedPart part, Outcome outcome) {
		if (run.plan.authorization().test(run.request, run.raw)) {
			return Mono.just(outcome);
		}
		return Mono.error(CompositionException.notFound(run.plan.name(), part.name(), part.provider().id()));
	}

	private Mono<Outcome> failed(Run run, PlannedPart part, CallFailure failure, CallKey key, long started,
			HedgeMark mark) {
		if (part.required()) {
			Integer status = (failure.httpStatus() != 0) ? failure.httpStatus() : null;
			notify(run, part, new PartMetadata(PartStatus.FAILED, failure.reason(), status, null, since(started), 0, 0)
				.withRetryRefused(mark != null && mark.retryRefused()));
			return Mono.error(CompositionException.requiredCallFailed(run.plan.name(), part.name(),
					part.provider().id(), failure.reason(), failure.httpStatus()));
		}
		Fallbacks.Fallback fallback = Fallbacks.fallback(this.calls.lastGood(part.provider().id()), key, failure,
				part.defaultValue(), since(started));
		run.raw[part.index()] = fallback.value();
		// A stale value is a provider answer (projected); a default is already in the
		// output shape.
		JsonNode output = (fallback.metadata().status() == PartStatus.STALE) ? part.projection().apply(fallback.value())
				: fallback.value();
		return Mono.just(
				outcome(run, part, output, fallback.metadata().withRetryRefused(mark != null && mark.retryRefused())));
	}

	private Outcome outcome(Run run, PlannedPart part, JsonNode output, PartMetadata metadata) {
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
			// A value served stale by a stale-while-revalidate policy is not a
			// degradation.
			complete &= outcome.metadata.status() == PartStatus.FRESH
					|| outcome.metadata.reason() == FailureReason.REVALIDATING;
		}
		return new CompositionResult(body, metadata, complete);
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
		return this.calls.scheduler().now(TimeUnit.NANOSECONDS);
	}

	private Duration since(long started) {
		return Duration.ofNanos(now() - started);
	}

	private record Outcome(JsonNode output, PartMetadata metadata) {
	}

}
