package io.ftgo.edge.composition;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * What a part expects its provider to answer: an object (the default) or an array, and
 * optionally fields that must be present, each with its kind. A 2xx answer of another
 * shape is a failure with reason {@code bad-payload} and goes through the fallback chain
 * like any other. Fields not named are accepted and kept (robustness principle); only
 * what the edge relies on is checked.
 *
 * <pre>
 * expect:
 *   type: object                   # object (default) | array
 *   fields:                        # dot paths; for an array: checked on every element
 *     orderId: number              # string | number | integer | boolean | object | array | any
 *     consumerId: integer
 * </pre>
 *
 * @param type {@code object} or {@code array}; default {@code object}
 * @param fields required fields (dot paths) and their kinds; may be empty
 */
public record PayloadShape(String type, Map<String, String> fields) {

	/** The default: any JSON object. */
	public static final PayloadShape OBJECT = new PayloadShape("object", null);

	/** Any JSON array. */
	public static final PayloadShape ARRAY = new PayloadShape("array", null);

	private static final Set<String> TYPES = Set.of("object", "array");

	private static final Set<String> KINDS = Set.of("string", "number", "integer", "boolean", "object", "array", "any");

	public PayloadShape {
		type = (type != null) ? type.trim().toLowerCase(Locale.ROOT) : "object";
		fields = (fields != null) ? Map.copyOf(new LinkedHashMap<>(fields)) : Map.of();
	}

	/**
	 * Checks the spelling; throws naming the key.
	 * @param key the configuration key of this shape
	 * @throws IllegalArgumentException on an unknown type or kind
	 */
	public void validate(String key) {
		if (!TYPES.contains(this.type)) {
			throw new IllegalArgumentException(key + ".type: " + this.type + " (expected: object or array)");
		}
		this.fields.forEach((path, kind) -> {
			if (path == null || path.isBlank() || kind == null
					|| !KINDS.contains(kind.trim().toLowerCase(Locale.ROOT))) {
				throw new IllegalArgumentException(key + ".fields." + path + ": " + kind + " (expected: one of "
						+ new java.util.TreeSet<>(KINDS) + ")");
			}
		});
	}

	/**
	 * Whether {@code value} has this shape.
	 * @param value the parsed answer (may be null or a JSON null)
	 * @return true when it fits
	 */
	public boolean accepts(JsonNode value) {
		if (value == null) {
			return false;
		}
		if ("array".equals(this.type)) {
			if (!value.isArray()) {
				return false;
			}
			for (JsonNode element : value) {
				if (!this.fields.isEmpty() && !hasFields(element)) {
					return false;
				}
			}
			return true;
		}
		return value.isObject() && hasFields(value);
	}

	private boolean hasFields(JsonNode node) {
		if (node == null || !node.isObject()) {
			return this.fields.isEmpty();
		}
		for (Map.Entry<String, String> field : this.fields.entrySet()) {
			JsonNode current = node;
			for (String segment : field.getKey().split("\\.")) {
				current = (current != null && current.isObject()) ? current.get(segment) : null;
			}
			if (current == null || !isKind(current, field.getValue().trim().toLowerCase(Locale.ROOT))) {
				return false;
			}
		}
		return true;
	}

	private static boolean isKind(JsonNode node, String kind) {
		return switch (kind) {
			case "string" -> node.isString();
			case "number" -> node.isNumber();
			case "integer" -> node.isIntegralNumber();
			case "boolean" -> node.isBoolean();
			case "object" -> node.isObject();
			case "array" -> node.isArray();
			default -> !node.isNull();
		};
	}

	/**
	 * The shape as text, for the explain view: {@code object}, {@code array},
	 * {@code object {orderId: number}}.
	 * @return the description
	 */
	public String describe() {
		if (this.fields.isEmpty()) {
			return this.type;
		}
		StringBuilder text = new StringBuilder(this.type).append(" {");
		new java.util.TreeMap<>(this.fields)
			.forEach((path, kind) -> text.append(path).append(": ").append(kind).append(", "));
		text.setLength(text.length() - 2);
		return text.append('}').toString();
	}

}
