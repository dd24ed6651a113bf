package io.ftgo.edge.composition;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code request} of a composition, parsed: {@code METHOD /path/{param}?query&names}.
 *
 * @param method the HTTP method, e.g. {@code GET}
 * @param path the path template without the query, e.g. {@code /api/web/orders/{orderId}}
 * @param queryNames the query parameter names listed after {@code ?}, in order
 */
public record RequestLine(String method, String path, List<String> queryNames) {

	private static final Pattern SYNTAX = Pattern.compile("([A-Z]+)\\s+(/\\S*)");

	/**
	 * Parses a request line.
	 * @param key the configuration key, for messages
	 * @param text the request line
	 * @return the parsed line
	 * @throws IllegalArgumentException naming the key and the expected form
	 */
	public static RequestLine parse(String key, String text) {
		Matcher m = (text != null) ? SYNTAX.matcher(text.trim()) : null;
		if (m == null || !m.matches()) {
			throw new IllegalArgumentException(
					key + ": " + text + " (expected: METHOD /path/{param}, e.g. GET /orders/{orderId})");
		}
		String target = m.group(2);
		int q = target.indexOf('?');
		List<String> names = new ArrayList<>();
		if (q >= 0) {
			for (String query : target.substring(q + 1).split("&")) {
				if (!query.isBlank()) {
					names.add(query.trim());
				}
			}
		}
		return new RequestLine(m.group(1), (q < 0) ? target : target.substring(0, q), List.copyOf(names));
	}

}
