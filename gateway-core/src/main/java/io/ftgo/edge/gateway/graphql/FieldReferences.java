package io.ftgo.edge.gateway.graphql;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * References in field templates and {@code authorize} rules: {@code args.x},
 * {@code source.x}, {@code principal.x}, or a bare dot path into the call's answer.
 */
final class FieldReferences {

	private static final Pattern REFERENCE = Pattern.compile("\\{([^{}]+)}");

	private static final List<String> SCOPES = List.of("args", "source", "principal");

	private FieldReferences() {
	}

	/** The references of a template, without braces. */
	static List<String> of(String template) {
		List<String> references = new ArrayList<>();
		if (template != null) {
			Matcher matcher = REFERENCE.matcher(template);
			while (matcher.find()) {
				references.add(matcher.group(1).trim());
			}
		}
		return references;
	}

	/**
	 * Expands a template; {@code null} when a reference has no value.
	 */
	static String expand(String template, Function<String, Object> resolver) {
		Matcher matcher = REFERENCE.matcher(template);
		StringBuilder out = new StringBuilder();
		while (matcher.find()) {
			Object value = resolver.apply(matcher.group(1).trim());
			if (value == null || value instanceof Map || value instanceof List) {
				return null;
			}
			matcher.appendReplacement(out, Matcher
				.quoteReplacement(URLEncoder.encode(text(value), StandardCharsets.UTF_8).replace("+", "%20")));
		}
		matcher.appendTail(out);
		return out.toString();
	}

	/** The scope a reference reads: args, source, principal, or answer. */
	static String scope(String reference) {
		int dot = reference.indexOf('.');
		String first = (dot < 0) ? reference : reference.substring(0, dot);
		return SCOPES.contains(first) ? first : "answer";
	}

	/** The reference without its scope. */
	static String rest(String reference) {
		String scope = scope(reference);
		return scope.equals("answer") ? reference : reference.substring(scope.length() + 1);
	}

	/** A dot path into maps. */
	static Object read(Object value, String path) {
		if (path.indexOf('.') < 0) {
			return (value instanceof Map<?, ?> map) ? map.get(path) : null;
		}
		Object current = value;
		for (String key : path.split("\\.")) {
			if (!(current instanceof Map<?, ?> map)) {
				return null;
			}
			current = map.get(key);
		}
		return current;
	}

	/** Whether the dot path is present (possibly null) in maps. */
	static boolean present(Object value, String path) {
		if (path.indexOf('.') < 0) {
			return (value instanceof Map<?, ?> map) && map.containsKey(path);
		}
		Object current = value;
		for (String key : path.split("\\.")) {
			if (!(current instanceof Map<?, ?> map) || !map.containsKey(key)) {
				return false;
			}
			current = map.get(key);
		}
		return true;
	}

	static String text(Object value) {
		if (value instanceof Double d && d == Math.rint(d)) {
			return Long.toString(d.longValue());
		}
		return String.valueOf(value);
	}

	/**
	 * An ownership rule {@code left == right}.
	 */
	record Rule(String left, String right) {

		static Rule parse(String key, String rule) {
			if (rule == null) {
				return null;
			}
			String[] sides = rule.split("==");
			if (sides.length != 2 || sides[0].isBlank() || sides[1].isBlank()) {
				throw new IllegalArgumentException(key + ": " + rule
						+ " (expected: reference == reference, e.g. consumerId == principal.consumerId)");
			}
			return new Rule(sides[0].trim(), sides[1].trim());
		}

		/** Whether the rule can be checked before the call (it reads no answer). */
		boolean beforeCall() {
			return !scope(this.left).equals("answer") && !scope(this.right).equals("answer");
		}

		boolean holds(Function<String, Object> resolver) {
			Object a = resolver.apply(this.left);
			Object b = resolver.apply(this.right);
			return a != null && b != null && text(a).equals(text(b));
		}

		@Override
		public String toString() {
			return this.left + " == " + this.right;
		}

	}

}
