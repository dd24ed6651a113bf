package io.ftgo.edge.composition.plan;

import io.ftgo.edge.composition.CompositionRequest;
import tools.jackson.databind.JsonNode;

/**
 * An ownership check {@code left == right} or {@code left in right} (internal). Values
 * compare as text; a missing value never matches. With {@code in}, the right side is a
 * list (a principal attribute such as {@code restaurantIds}, or a JSON array) and the
 * check holds when one of its elements equals the left side.
 *
 * @param text the expression as written
 * @param left the left reference
 * @param right the right reference
 * @param partIndex the index of the (single, required) part it reads, or -1
 * @param membership {@code true} for {@code in}, {@code false} for {@code ==}
 */
public record Authorization(String text, Reference left, Reference right, int partIndex, boolean membership) {

	/**
	 * An equality check {@code left == right}.
	 * @param text the expression as written
	 * @param left the left reference
	 * @param right the right reference
	 * @param partIndex the index of the part it reads, or -1
	 */
	public Authorization(String text, Reference left, Reference right, int partIndex) {
		this(text, left, right, partIndex, false);
	}

	/**
	 * Evaluates the check.
	 * @param request the request
	 * @param parts raw answers by part index
	 * @return {@code true} when both sides have a value and are equal
	 */
	public boolean test(CompositionRequest request, JsonNode[] parts) {
		if (this.membership) {
			return contains(request, parts);
		}
		String l = this.left.text(request, parts, null);
		String r = this.right.text(request, parts, null);
		return l != null && l.equals(r);
	}

	private boolean contains(CompositionRequest request, JsonNode[] parts) {
		String l = this.left.text(request, parts, null);
		if (l == null) {
			return false;
		}
		Object values = this.right.resolve(request, parts, null);
		if (values instanceof JsonNode node && node.isArray()) {
			for (JsonNode element : node) {
				if (l.equals(Reference.asText(element))) {
					return true;
				}
			}
			return false;
		}
		if (values instanceof java.util.Collection<?> collection) {
			for (Object element : collection) {
				if (l.equals(Reference.asText(element))) {
					return true;
				}
			}
		}
		return false;
	}

}
