package io.ftgo.edge.gateway.composition;

import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.TracingObservationHandler;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;

import io.ftgo.edge.composition.CompositionException;
import io.ftgo.edge.composition.CompositionListener;
import io.ftgo.edge.composition.CompositionResult;
import io.ftgo.edge.composition.PartMetadata;
import io.ftgo.edge.composition.PartStatus;

/**
 * One client span per part of a sampled composed request: a child of the request's server
 * span, named {@code <provider> <part>} and tagged {@code composition}, {@code part},
 * {@code provider}, {@code outcome}
 * (fresh|stale|default|omitted|partial|failed|cancelled), {@code fallback}
 * (none|last-good|default|omitted) and {@code reason} (the failure reason, or none). The
 * span rides in the Reactor context of the part's calls, and {@link #traceparent()} sends
 * its context to the provider as {@code traceparent}.
 * <p>
 * Spans are made with the {@link Tracer} directly, not as observations: a provider call's
 * timer is {@code edge.composition.part} (from {@code delegate}), so an observation would
 * time every call twice more (its own timer and the WebClient's
 * {@code http.client.requests}). A request whose trace is not sampled gets no part spans
 * at all; its providers receive the server span's context, not sampled.
 */
public class TracingCompositionListener implements CompositionListener {

	/** Reactor context key of the current part's span. */
	static final String SPAN_KEY = TracingCompositionListener.class.getName() + ".span";

	private final Tracer tracer;

	private final CompositionListener delegate;

	public TracingCompositionListener(Tracer tracer, CompositionListener delegate) {
		this.tracer = tracer;
		this.delegate = delegate;
	}

	@Override
	public PartScope startPart(String composition, String part, String provider, ContextView context) {
		Span parent = serverSpan(context);
		if (parent == null || parent.isNoop() || !Boolean.TRUE.equals(parent.context().sampled())) {
			return PartScope.NONE;
		}
		Span span = this.tracer.spanBuilder()
			.setParent(parent.context())
			.name(provider + " " + part)
			.kind(Span.Kind.CLIENT)
			.remoteServiceName(provider)
			.tag("composition", composition)
			.tag("part", part)
			.tag("provider", provider)
			.start();
		return new PartScope() {

			@Override
			public Context enrich(Context context) {
				return context.put(SPAN_KEY, span);
			}

			@Override
			public void end(PartMetadata metadata, Throwable error) {
				String outcome = (metadata != null) ? metadata.status().label()
						: (error != null) ? PartStatus.FAILED.label() : "cancelled";
				span.tag("outcome", outcome)
					.tag("fallback", fallback(metadata))
					.tag("reason",
							(metadata != null && metadata.reason() != null) ? metadata.reason().label() : "none");
				if (error != null) {
					span.error(error);
				}
				span.end();
			}

		};
	}

	/**
	 * The server span of the request, from the observation WebFlux put in the context.
	 */
	private static Span serverSpan(ContextView context) {
		Observation observation = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
		if (observation == null) {
			return null;
		}
		TracingObservationHandler.TracingContext tracing = observation.getContextView()
			.get(TracingObservationHandler.TracingContext.class);
		return (tracing != null) ? tracing.getSpan() : null;
	}

	/**
	 * A filter for the engine's WebClient: a call made within a part's span carries that
	 * span's context as {@code traceparent} (replacing the server span's, which every
	 * composed call gets from {@code ProviderHeaders}).
	 * @return the filter
	 */
	public static ExchangeFilterFunction traceparent() {
		return (request, next) -> Mono.deferContextual((context) -> {
			Span span = context.getOrDefault(SPAN_KEY, null);
			if (span == null) {
				return next.exchange(request);
			}
			TraceContext trace = span.context();
			String value = "00-" + trace.traceId() + "-" + trace.spanId() + "-01";
			return next.exchange(ClientRequest.from(request)
				.headers((headers) -> headers.set(io.ftgo.edge.gateway.filter.TraceContext.TRACEPARENT, value))
				.build());
		});
	}

	/** Which fallback answered for the part. */
	static String fallback(PartMetadata metadata) {
		if (metadata == null) {
			return "none";
		}
		return switch (metadata.status()) {
			case STALE -> "last-good";
			case DEFAULT -> "default";
			case OMITTED -> "omitted";
			default -> "none";
		};
	}

	@Override
	public void onPart(String composition, String part, String provider, PartMetadata metadata) {
		this.delegate.onPart(composition, part, provider, metadata);
	}

	@Override
	public void onResult(String composition, CompositionResult result) {
		this.delegate.onResult(composition, result);
	}

	@Override
	public void onError(String composition, CompositionException error) {
		this.delegate.onError(composition, error);
	}

	@Override
	public void onRefresh(String provider, Refresh outcome) {
		this.delegate.onRefresh(provider, outcome);
	}

}
