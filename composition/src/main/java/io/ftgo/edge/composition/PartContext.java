package io.ftgo.edge.composition;

import tools.jackson.databind.JsonNode;

/**
 * The inputs of a {@link PartSource} call.
 */
public interface PartContext {

	/**
	 * The value of a reference the part declared with {@code uses(...)}, e.g.
	 * {@code order.restaurantId}, {@code principal.consumerId} or {@code orderId}.
	 * @param reference the reference as declared, without braces
	 * @return its value as text
	 * @throws IllegalArgumentException when the part did not declare the reference
	 */
	String value(String reference);

	/**
	 * The current item of a fan-out part.
	 * @return the item, or {@code null} when the part has no {@code for-each}
	 */
	JsonNode item();

	/**
	 * The request being composed.
	 * @return the request
	 */
	CompositionRequest request();

}
