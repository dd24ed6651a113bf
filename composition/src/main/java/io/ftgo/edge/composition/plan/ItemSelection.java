package io.ftgo.edge.composition.plan;

import java.util.ArrayList;
import java.util.List;

import io.ftgo.edge.composition.CompositionRequest;
import tools.jackson.databind.JsonNode;

/**
 * Which items of a fan-out part are called (internal), decided before any call: the items
 * that pass {@code where}, then the requested page of them, then those of the page that
 * pass {@code when}. Items left out are never called and are not in the part's output.
 *
 * @param where the filter applied before paging, or {@code null}
 * @param page the request parameter holding the page number (from 0), or {@code null} for
 * no paging
 * @param size the request parameter holding the page size, or {@code null}
 * @param defaultSize the page size when the request sends none
 * @param when the condition applied to the items of the page, or {@code null}
 */
public record ItemSelection(ItemCondition where, Reference page, Reference size, int defaultSize, ItemCondition when) {

	/**
	 * Selects the items to call.
	 * @param items the fan-out array
	 * @param request the request
	 * @param parts raw answers by part index
	 * @return the items to call, in order
	 */
	public List<JsonNode> select(JsonNode items, CompositionRequest request, JsonNode[] parts) {
		List<JsonNode> selected = new ArrayList<>();
		long from = 0;
		long to = Long.MAX_VALUE;
		if (this.page != null) {
			long size = number(this.size, request, parts, this.defaultSize);
			from = number(this.page, request, parts, 0) * Math.max(size, 1);
			to = from + size;
		}
		long index = 0;
		for (JsonNode item : items) {
			if (this.where != null && !this.where.test(request, parts, item)) {
				continue;
			}
			long position = index++;
			if (position < from || position >= to) {
				continue;
			}
			if (this.when == null || this.when.test(request, parts, item)) {
				selected.add(item);
			}
		}
		return selected;
	}

	private static long number(Reference reference, CompositionRequest request, JsonNode[] parts, long fallback) {
		String text = (reference != null) ? reference.text(request, parts, null) : null;
		if (text == null || text.isBlank()) {
			return fallback;
		}
		try {
			return Math.max(0, Long.parseLong(text.trim()));
		}
		catch (NumberFormatException ex) {
			return fallback;
		}
	}

}
