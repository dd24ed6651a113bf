package io.ftgo.edge.composition;

/**
 * What a part contributed to the answer.
 */
public enum PartStatus {

	/** A fresh answer from the provider. */
	FRESH,

	/**
	 * The last good answer for the same call, served because the call failed, or (reason
	 * {@code revalidating}) because it is past its {@code refresh-after} and within the
	 * grace while a background call refreshes it.
	 */
	STALE,

	/** The part's static {@code default-value}, served because the call failed. */
	DEFAULT,

	/** Nothing: the part is absent from the merged document. */
	OMITTED,

	/**
	 * A fan-out part ({@code for-each}) where some items failed and were skipped or set
	 * to {@code null}; the others are fresh or stale.
	 */
	PARTIAL,

	/** A required part failed: the whole request fails (only seen by listeners). */
	FAILED;

	/**
	 * The lower-case name used in metadata and metrics.
	 * @return e.g. {@code stale}
	 */
	public String label() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
