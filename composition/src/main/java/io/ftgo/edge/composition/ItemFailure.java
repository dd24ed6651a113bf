package io.ftgo.edge.composition;

/**
 * What a fan-out part ({@code for-each}) does with an item whose call failed and has no
 * last good value. YAML: {@code on-item-failure: skip | null | fail}; default
 * {@code skip}.
 */
public enum ItemFailure {

	/** Leave the item out of the array; the part is {@link PartStatus#PARTIAL}. */
	SKIP,

	/** Put {@code null} in the item's place; the part is {@link PartStatus#PARTIAL}. */
	NULL,

	/**
	 * Fail the whole part with the item's reason (then the part's fallback chain runs).
	 */
	FAIL

}
