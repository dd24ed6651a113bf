package io.ftgo.edge.composition;

import java.time.Duration;

/**
 * What happened to one part of a composition.
 *
 * @param status what the part contributed
 * @param reason why it is not fresh, or {@code null} when {@link PartStatus#FRESH}
 * @param httpStatus the provider's status when {@code reason} is
 * {@link FailureReason#HTTP_STATUS}, otherwise {@code null}
 * @param age how old a {@link PartStatus#STALE} value is, or a {@link PartStatus#FRESH}
 * one served from the stale-while-revalidate cache ({@link Freshness}); otherwise
 * {@code null}
 * @param duration from the start of the part (its inputs were there) to its outcome
 * @param items for a fan-out part, the number of items in its input array, otherwise 0
 * @param failedItems for a fan-out part, the number of items skipped or set to null
 * @param hedged whether a hedge (not the first attempt) answered the part's call (for a
 * fan-out part: at least one item's call); see {@link ProviderDefinition.HedgeDefinition}
 * @param retryRefused whether the provider's retry budget refused a retry or a hedge of
 * the part's call: not sent (a refused retry: the part then failed or degraded with its
 * real failure; a refused hedge: the part waited for its first attempt, whatever that
 * gave); see {@link ProviderDefinition.RetryBudgetDefinition}
 */
public record PartMetadata(PartStatus status, FailureReason reason, Integer httpStatus, Duration age, Duration duration,
		int items, int failedItems, boolean hedged, boolean retryRefused) {

	/**
	 * Metadata of a part whose retries, if any, were all sent.
	 * @param status what the part contributed
	 * @param reason why it is not fresh, or {@code null}
	 * @param httpStatus the provider's status, or {@code null}
	 * @param age how old a stale value is, or {@code null}
	 * @param duration from the start of the part to its outcome
	 * @param items fan-out items, or 0
	 * @param failedItems fan-out items skipped or set to null
	 * @param hedged whether a hedge answered
	 */
	public PartMetadata(PartStatus status, FailureReason reason, Integer httpStatus, Duration age, Duration duration,
			int items, int failedItems, boolean hedged) {
		this(status, reason, httpStatus, age, duration, items, failedItems, hedged, false);
	}

	/**
	 * Metadata of a part no hedge answered.
	 * @param status what the part contributed
	 * @param reason why it is not fresh, or {@code null}
	 * @param httpStatus the provider's status, or {@code null}
	 * @param age how old a stale value is, or {@code null}
	 * @param duration from the start of the part to its outcome
	 * @param items fan-out items, or 0
	 * @param failedItems fan-out items skipped or set to null
	 */
	public PartMetadata(PartStatus status, FailureReason reason, Integer httpStatus, Duration age, Duration duration,
			int items, int failedItems) {
		this(status, reason, httpStatus, age, duration, items, failedItems, false);
	}

	/**
	 * A copy with another {@code hedged} flag.
	 * @param hedged whether a hedge answered
	 * @return the copy, or this when unchanged
	 */
	public PartMetadata withHedged(boolean hedged) {
		return (hedged == this.hedged) ? this : new PartMetadata(this.status, this.reason, this.httpStatus, this.age,
				this.duration, this.items, this.failedItems, hedged, this.retryRefused);
	}

	/**
	 * A copy with another {@code retryRefused} flag.
	 * @param retryRefused whether the retry budget refused a retry
	 * @return the copy, or this when unchanged
	 */
	public PartMetadata withRetryRefused(boolean retryRefused) {
		return (retryRefused == this.retryRefused) ? this : new PartMetadata(this.status, this.reason, this.httpStatus,
				this.age, this.duration, this.items, this.failedItems, this.hedged, retryRefused);
	}

	/**
	 * Whether the part is degraded (anything but {@link PartStatus#FRESH}).
	 * @return {@code true} unless fresh
	 */
	public boolean degraded() {
		return this.status != PartStatus.FRESH;
	}

}
