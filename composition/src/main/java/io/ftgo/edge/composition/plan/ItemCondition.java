package io.ftgo.edge.composition.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.ftgo.edge.composition.CompositionRequest;
import tools.jackson.databind.JsonNode;

/**
 * A condition on a fan-out item (internal): {@code item.status == state},
 * {@code item.status != state}, {@code item.status in [APPROVED, ACCEPTED]} or
 * {@code item.status not in [REJECTED, CANCELLED]}. Values compare as text, ignoring
 * case. A missing item field never matches {@code ==} or {@code in}. A comparison with a
 * request parameter the request did not send holds: such a condition is an optional
 * filter.
 *
 * @param text the condition as written
 * @param left the item field
 * @param operator the operator
 * @param right the right reference of {@code ==} and {@code !=}, else {@code null}
 * @param values the literal list of {@code in} and {@code not in}, else empty
 */
public record ItemCondition(String text, Reference left, Operator operator, Reference right, List<String> values) {

	private static final Pattern SYNTAX = Pattern.compile("(\\S+)\\s+(==|!=|not\\s+in|in)\\s+(.+)");

	/** The comparison. */
	public enum Operator {

		/** Equal. */
		EQUALS,
		/** Not equal. */
		NOT_EQUALS,
		/** One of a list. */
		IN,
		/** None of a list. */
		NOT_IN

	}

	/**
	 * Parses a condition.
	 * @param key the configuration key, for messages
	 * @param text the condition
	 * @return the condition
	 * @throws IllegalArgumentException naming the key and the expected form
	 */
	static ItemCondition parse(String key, String text) {
		Matcher m = SYNTAX.matcher(text.trim());
		if (!m.matches()) {
			throw new IllegalArgumentException(key + ": " + text + " (expected: item.<field> == <reference>, "
					+ "item.<field> != <reference>, item.<field> in [A, B] or item.<field> not in [A, B])");
		}
		Reference left = Reference.parse(stripBraces(m.group(1)));
		if (left.kind() != Reference.Kind.ITEM) {
			throw new IllegalArgumentException(
					key + ": " + text + " (expected: the left side reads the item, e.g. item.status)");
		}
		String op = m.group(2).replaceAll("\\s+", " ");
		String right = m.group(3).trim();
		if (op.endsWith("in")) {
			if (!right.startsWith("[") || !right.endsWith("]")) {
				throw new IllegalArgumentException(
						key + ": " + text + " (expected: a list after '" + op + "', e.g. [REJECTED, CANCELLED])");
			}
			List<String> values = new ArrayList<>();
			for (String value : right.substring(1, right.length() - 1).split(",")) {
				String v = value.trim().replaceAll("^['\"]|['\"]$", "");
				if (!v.isEmpty()) {
					values.add(v.toLowerCase(Locale.ROOT));
				}
			}
			if (values.isEmpty()) {
				throw new IllegalArgumentException(key + ": " + text + " (expected: a non-empty list)");
			}
			return new ItemCondition(text, left, op.equals("in") ? Operator.IN : Operator.NOT_IN, null,
					List.copyOf(values));
		}
		return new ItemCondition(text, left, op.equals("==") ? Operator.EQUALS : Operator.NOT_EQUALS,
				Reference.parse(stripBraces(right)), List.of());
	}

	/**
	 * Evaluates the condition on one item.
	 * @param request the request
	 * @param parts raw answers by part index
	 * @param item the item
	 * @return whether the item passes
	 */
	public boolean test(CompositionRequest request, JsonNode[] parts, JsonNode item) {
		String value = this.left.text(request, parts, item);
		return switch (this.operator) {
			case IN -> value != null && this.values.contains(value.toLowerCase(Locale.ROOT));
			case NOT_IN -> value == null || !this.values.contains(value.toLowerCase(Locale.ROOT));
			case EQUALS, NOT_EQUALS -> {
				String other = this.right.text(request, parts, item);
				if (other == null) {
					yield true;
				}
				boolean equal = value != null && value.equalsIgnoreCase(other);
				yield (this.operator == Operator.EQUALS) == equal;
			}
		};
	}

	private static String stripBraces(String text) {
		String t = text.trim();
		return (t.startsWith("{") && t.endsWith("}")) ? t.substring(1, t.length() - 1) : t;
	}

}
