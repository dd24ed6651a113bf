package io.ftgo.edge.composition.internal;

import java.time.Duration;

import io.ftgo.edge.composition.PartMetadata;
import io.ftgo.edge.composition.PartStatus;
import io.ftgo.edge.composition.fallback.CallKey;
import io.ftgo.edge.composition.fallback.LastGoodCache;
import io.ftgo.edge.composition.policy.CallFailure;
import tools.jackson.databind.JsonNode;

/**
 * The fallback chain of an optional call that failed (internal): the last good value
 * ({@code stale}) &rarr; the static default ({@code default}) &rarr; nothing
 * ({@code omitted}). Required calls never get here: they fail the request.
 */
public final class Fallbacks {

	private Fallbacks() {
	}

	/**
	 * Walks the chain.
	 * @param lastGood the provider's last-good cache, or {@code null}
	 * @param key the call's identity, or {@code null} when no call was made
	 * @param failure why the call failed
	 * @param defaultValue the static default, or {@code null}
	 * @param took how long the call took
	 * @return what to serve instead, with its metadata
	 */
	public static Fallback fallback(LastGoodCache lastGood, CallKey key, CallFailure failure, JsonNode defaultValue,
			Duration took) {
		Integer status = (failure.httpStatus() != 0) ? failure.httpStatus() : null;
		LastGoodCache.Stamped stamped = (lastGood != null && key != null) ? lastGood.get(key) : null;
		if (stamped != null) {
			return new Fallback(stamped.value(),
					new PartMetadata(PartStatus.STALE, failure.reason(), status, lastGood.age(stamped), took, 0, 0));
		}
		if (defaultValue != null) {
			return new Fallback(defaultValue,
					new PartMetadata(PartStatus.DEFAULT, failure.reason(), status, null, took, 0, 0));
		}
		return new Fallback(null, new PartMetadata(PartStatus.OMITTED, failure.reason(), status, null, took, 0, 0));
	}

	/**
	 * What is served instead of a failed call.
	 *
	 * @param value the stale value, the default, or {@code null} when omitted
	 * @param metadata its status ({@code stale}, {@code default} or {@code omitted})
	 */
	public record Fallback(JsonNode value, PartMetadata metadata) {
	}

}
