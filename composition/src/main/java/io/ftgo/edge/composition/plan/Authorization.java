package io.ftgo.edge.composition.plan;

import io.ftgo.edge.composition.CompositionRequest;
import tools.jackson.databind.JsonNode;

/**
 * An ownership check {@code left == right} (internal). Values compare as text; a missing
 * value never matches.
 *
 * @param text the expression as written
 * @param left the left reference
 * @param right the right reference
 * @param partIndex the index of the (single, required) part it reads, or -1
 */
public record Authorization(String text, Reference left, Reference right, int partIndex) {

	/**
	 * Evaluates the check.
	 * @param request the request
	 * @param parts raw answers by part index
	 * @return {@code true} when both sides have a value and are equal
	 */
	public boolean test(CompositionRequest request, JsonNode[] parts) {
		String l = this.left.text(request, parts, null);
		String r = this.right.text(request, parts, null);
		return l != null && l.equals(r);
	}

}
