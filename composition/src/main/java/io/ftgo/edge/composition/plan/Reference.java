package io.ftgo.edge.composition.plan;

import java.util.Map;

import io.ftgo.edge.composition.CompositionRequest;
import tools.jackson.databind.JsonNode;

/**
 * A parsed reference such as {@code order.restaurantId} (internal).
 */
public final class Reference {

	/** What a reference reads. */
	public enum Kind {

		/** A request parameter. */
		REQUEST,
		/** A principal attribute. */
		PRINCIPAL,
		/** A field of another part's answer. */
		PART,
		/** A field of the current fan-out item. */
		ITEM

	}

	private final Kind kind;

	private final String text;

	private final String part;

	private final String[] path;

	private int partIndex = -1;

	Reference(Kind kind, String text, String part, String[] path) {
		this.kind = kind;
		this.text = text;
		this.part = part;
		this.path = path;
	}

	/**
	 * Parses a reference; the root decides its kind: {@code principal}, {@code item},
	 * {@code request}, otherwise a part name; a bare name is a request parameter.
	 * @param text the reference without braces
	 * @return the reference
	 */
	static Reference parse(String text) {
		String trimmed = text.trim();
		int dot = trimmed.indexOf('.');
		if (dot < 0) {
			return new Reference(Kind.REQUEST, trimmed, null, new String[] { trimmed });
		}
		String root = trimmed.substring(0, dot);
		String[] path = trimmed.substring(dot + 1).split("\\.", -1);
		return switch (root) {
			case "principal" -> new Reference(Kind.PRINCIPAL, trimmed, null, path);
			case "item" -> new Reference(Kind.ITEM, trimmed, null, path);
			case "request" -> new Reference(Kind.REQUEST, trimmed, null, path);
			default -> new Reference(Kind.PART, trimmed, root, path);
		};
	}

	/**
	 * The kind.
	 * @return the kind
	 */
	public Kind kind() {
		return this.kind;
	}

	/**
	 * The reference as written.
	 * @return the text
	 */
	public String text() {
		return this.text;
	}

	/**
	 * The part name for {@link Kind#PART}.
	 * @return the part name or {@code null}
	 */
	public String part() {
		return this.part;
	}

	/**
	 * The field path (or the parameter name).
	 * @return the dot path
	 */
	public String pathText() {
		return String.join(".", this.path);
	}

	void partIndex(int index) {
		this.partIndex = index;
	}

	/**
	 * The referenced part's index in definition order.
	 * @return the index, or -1
	 */
	public int partIndex() {
		return this.partIndex;
	}

	/**
	 * Resolves the reference.
	 * @param request the request
	 * @param parts raw answers by part index
	 * @param item the current fan-out item or {@code null}
	 * @return a {@link JsonNode}, a principal attribute value, a parameter, or
	 * {@code null}
	 */
	public Object resolve(CompositionRequest request, JsonNode[] parts, JsonNode item) {
		switch (this.kind) {
			case REQUEST:
				return request.parameters().get(this.path[0]);
			case PRINCIPAL:
				Object value = request.principal();
				for (String segment : this.path) {
					if (!(value instanceof Map<?, ?> map)) {
						return null;
					}
					value = map.get(segment);
				}
				return value;
			case PART:
				return at(parts[this.partIndex], this.path);
			default:
				return at(item, this.path);
		}
	}

	/**
	 * Resolves the reference to text.
	 * @param request the request
	 * @param parts raw answers by part index
	 * @param item the current fan-out item or {@code null}
	 * @return the text value, or {@code null} when missing, null or not a scalar
	 */
	public String text(CompositionRequest request, JsonNode[] parts, JsonNode item) {
		return asText(resolve(request, parts, item));
	}

	static String asText(Object value) {
		if (value == null) {
			return null;
		}
		if (value instanceof JsonNode node) {
			return (node.isValueNode() && !node.isNull()) ? node.asString() : null;
		}
		return value.toString();
	}

	/**
	 * Follows a dot path in a JSON tree (numeric segments index arrays).
	 * @param node the tree or {@code null}
	 * @param path the segments
	 * @return the node or {@code null}
	 */
	public static JsonNode at(JsonNode node, String[] path) {
		JsonNode current = node;
		for (String segment : path) {
			if (current == null) {
				return null;
			}
			if (current.isArray() && !segment.isEmpty() && Character.isDigit(segment.charAt(0))) {
				current = current.get(Integer.parseInt(segment));
			}
			else {
				current = current.get(segment);
			}
		}
		return (current == null || current.isMissingNode()) ? null : current;
	}

	@Override
	public String toString() {
		return this.text;
	}

}
