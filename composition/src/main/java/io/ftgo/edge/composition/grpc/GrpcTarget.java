package io.ftgo.edge.composition.grpc;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A gRPC call written as the path of a provider call, so that everything keyed by a path
 * (collapsing, per-request deduplication, the last-good cache, the explain view) works
 * unchanged: {@code grpc: OrderService/GetOrder} with {@code input: { orderId:
 * "{orderId}" }} is the template {@code /OrderService/GetOrder?orderId={orderId}},
 * expanded like any {@code get} (values percent-encoded) and read back by
 * {@link GrpcProviderClient}.
 *
 * @param method the method, {@code Service/Method} (the service by its simple or full
 * proto name)
 * @param fields request fields by name (dots nest into sub-messages), as text
 */
public record GrpcTarget(String method, Map<String, String> fields) {

	/**
	 * The path template of a method and its input bindings.
	 * @param key the configuration key of the method, for messages
	 * @param method {@code Service/Method}
	 * @param input request field to value template, e.g. {@code orderId: "{orderId}"};
	 * may be {@code null}
	 * @return the template, e.g. {@code /OrderService/GetOrder?orderId={orderId}}
	 * @throws IllegalArgumentException naming the key when the method is malformed
	 */
	public static String template(String key, String method, Map<String, String> input) {
		String m = (method != null) ? method.trim() : "";
		int slash = m.indexOf('/');
		if (slash <= 0 || slash == m.length() - 1 || m.indexOf('/', slash + 1) >= 0 || !m.matches("[\\w.]+/\\w+")) {
			throw new IllegalArgumentException(
					key + ": " + method + " (expected: Service/Method, e.g. OrderService/GetOrder)");
		}
		StringBuilder sb = new StringBuilder("/").append(m);
		if (input != null && !input.isEmpty()) {
			char sep = '?';
			for (Map.Entry<String, String> field : input.entrySet()) {
				if (!field.getKey().matches("\\w+(\\.\\w+)*")) {
					throw new IllegalArgumentException(key.replaceAll("\\.grpc$", "") + ".input." + field.getKey()
							+ " (expected: a request field name, dots for sub-messages, e.g. orderId)");
				}
				String value = (field.getValue() != null) ? field.getValue() : "";
				sb.append(sep).append(field.getKey()).append('=').append(encodeLiterals(value));
				sep = '&';
			}
		}
		return sb.toString();
	}

	/**
	 * Reads an expanded path back.
	 * @param path e.g. {@code /OrderService/GetOrder?orderId=7001}
	 * @return the call
	 * @throws IllegalArgumentException when the path is not a gRPC call
	 */
	public static GrpcTarget parse(String path) {
		int query = path.indexOf('?');
		String method = (query >= 0) ? path.substring(0, query) : path;
		if (method.startsWith("/")) {
			method = method.substring(1);
		}
		if (method.indexOf('/') <= 0) {
			throw new IllegalArgumentException("not a gRPC call: " + method);
		}
		Map<String, String> fields = new LinkedHashMap<>();
		if (query >= 0) {
			for (String pair : path.substring(query + 1).split("&")) {
				if (pair.isEmpty()) {
					continue;
				}
				int eq = pair.indexOf('=');
				String name = decode((eq >= 0) ? pair.substring(0, eq) : pair);
				String value = (eq >= 0) ? decode(pair.substring(eq + 1)) : "";
				fields.put(name, value);
			}
		}
		return new GrpcTarget(method, fields);
	}

	private static String decode(String text) {
		return URLDecoder.decode(text, StandardCharsets.UTF_8);
	}

	/** Percent-encodes the text outside {@code {references}}, which expand encoded. */
	private static String encodeLiterals(String value) {
		StringBuilder sb = new StringBuilder();
		int i = 0;
		while (i < value.length()) {
			int open = value.indexOf('{', i);
			int close = (open >= 0) ? value.indexOf('}', open) : -1;
			String literal = (open >= 0 && close > open) ? value.substring(i, open) : value.substring(i);
			if (!literal.isEmpty()) {
				sb.append(URLEncoder.encode(literal, StandardCharsets.UTF_8).replace("+", "%20"));
			}
			if (open < 0 || close < open) {
				break;
			}
			sb.append(value, open, close + 1);
			i = close + 1;
		}
		return sb.toString();
	}

}
