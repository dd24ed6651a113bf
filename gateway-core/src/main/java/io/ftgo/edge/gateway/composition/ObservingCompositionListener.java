package io.ftgo.edge.gateway.composition;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

import io.ftgo.edge.composition.CompositionException;
import io.ftgo.edge.composition.CompositionListener;
import io.ftgo.edge.composition.CompositionResult;
import io.ftgo.edge.composition.PartMetadata;
import io.ftgo.edge.composition.PartStatus;

/**
 * One observation per part of a composed request, {@code edge.provider.call}: with
 * Micrometer Tracing a child span of the request's server span, named
 * {@code <provider> <part>} and tagged {@code composition}, {@code part},
 * {@code provider}, {@code outcome}
 * (fresh|stale|default|omitted|partial|failed|cancelled), {@code fallback}
 * (none|last-good|default|omitted) and {@code reason} (the failure reason, or none). The
 * observation is the current one in the Reactor context of the part's calls, so the
 * WebClient's {@code http.client.requests} observation is its child and the
 * {@code traceparent} a provider receives names that call. Other events go to
 * {@code delegate} (metrics).
 */
public class ObservingCompositionListener implements CompositionListener {

	/** The observation's name. */
	public static final String NAME = "edge.provider.call";

	private final ObservationRegistry registry;

	private final CompositionListener delegate;

	public ObservingCompositionListener(ObservationRegistry registry, CompositionListener delegate) {
		this.registry = registry;
		this.delegate = delegate;
	}

	@Override
	public PartScope startPart(String composition, String part, String provider, ContextView context) {
		Observation parent = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
		Observation observation = Observation.createNotStarted(NAME, this.registry)
			.contextualName(provider + " " + part)
			.parentObservation(parent)
			.lowCardinalityKeyValue("composition", composition)
			.lowCardinalityKeyValue("part", part)
			.lowCardinalityKeyValue("provider", provider)
			.start();
		return new PartScope() {

			@Override
			public Context enrich(Context context) {
				return context.put(ObservationThreadLocalAccessor.KEY, observation);
			}

			@Override
			public void end(PartMetadata metadata, Throwable error) {
				String outcome = (metadata != null) ? metadata.status().label()
						: (error != null) ? PartStatus.FAILED.label() : "cancelled";
				observation.lowCardinalityKeyValue("outcome", outcome)
					.lowCardinalityKeyValue("fallback", fallback(metadata))
					.lowCardinalityKeyValue("reason",
							(metadata != null && metadata.reason() != null) ? metadata.reason().label() : "none");
				if (error != null) {
					observation.error(error);
				}
				observation.stop();
			}

		};
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
