package io.ftgo.edge.composition.plan;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.ftgo.edge.composition.CompositionRequest;
import tools.jackson.databind.JsonNode;

/**
 * A path-and-query template such as {@code /orders?consumerId={principal.consumerId}}
 * (internal). Values are percent-encoded when expanded.
 */
public final class Template {

	private final String text;

	private final String[] literals;

	private final Reference[] references;

	private Template(String text, String[] literals, Reference[] references) {
		this.text = text;
		this.literals = literals;
		this.references = references;
	}

	/**
	 * Parses a template.
	 * @param key the configuration key, for messages
	 * @param text the template
	 * @return the template
	 */
	static Template parse(String key, String text) {
		List<String> literals = new ArrayList<>();
		List<Reference> references = new ArrayList<>();
		int i = 0;
		while (true) {
			int open = text.indexOf('{', i);
			int close = text.indexOf('}', i);
			if (open < 0) {
				if (close >= 0) {
					throw new IllegalArgumentException(key + ": " + text + " (expected: balanced '{' and '}')");
				}
				literals.add(text.substring(i));
				break;
			}
			if (close < open) {
				throw new IllegalArgumentException(key + ": " + text + " (expected: balanced '{' and '}')");
			}
			String inner = text.substring(open + 1, close);
			if (inner.isBlank() || inner.indexOf('{') >= 0) {
				throw new IllegalArgumentException(key + ": " + text + " (expected: '{reference}' with a name inside)");
			}
			literals.add(text.substring(i, open));
			references.add(Reference.parse(inner));
			i = close + 1;
		}
		return new Template(text, literals.toArray(String[]::new), references.toArray(Reference[]::new));
	}

	/**
	 * The references, in order of appearance.
	 * @return the references
	 */
	public List<Reference> references() {
		return List.of(this.references);
	}

	/**
	 * Expands the template.
	 * @param request the request
	 * @param parts raw answers by part index
	 * @param item the current fan-out item or {@code null}
	 * @return the expanded path, or {@code null} when a reference has no value
	 */
	public String expand(CompositionRequest request, JsonNode[] parts, JsonNode item) {
		if (this.references.length == 0) {
			return this.literals[0];
		}
		StringBuilder sb = new StringBuilder(this.text.length() + 16);
		for (int i = 0; i < this.references.length; i++) {
			sb.append(this.literals[i]);
			String value = this.references[i].text(request, parts, item);
			if (value == null) {
				return null;
			}
			sb.append(encode(value));
		}
		return sb.append(this.literals[this.references.length]).toString();
	}

	private static String encode(String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (!(Character.isLetterOrDigit(c) && c < 128) && c != '-' && c != '_' && c != '.' && c != '~') {
				return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
			}
		}
		return value;
	}

	@Override
	public String toString() {
		return this.text;
	}

}
