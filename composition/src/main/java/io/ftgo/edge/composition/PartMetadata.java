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
 */
public record PartMetadata(PartStatus status, FailureReason reason, Integer httpStatus, Duration age, Duration duration,
		int items, int failedItems) {

	/**
	 * Whether the part is degraded (anything but {@link PartStatus#FRESH}).
	 * @return {@code true} unless fresh
	 */
	public boolean degraded() {
		return this.status != PartStatus.FRESH;
	}

}
