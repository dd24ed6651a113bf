package io.ftgo.edge.gateway.shedding;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Puts a request in its priority partition from {@code edge.concurrency.rules}: the first
 * rule whose every condition holds (path pattern, method, header value) names the
 * partition, else the default partition. Only what the request line and headers say is
 * used, so a request is classified before authentication and routing, without I/O.
 */
public final class PriorityClassifier {

	private static final Set<HttpMethod> WRITES = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
			HttpMethod.DELETE);

	private final List<CompiledRule> rules;

	private final String defaultPartition;

	private final List<PathPattern> exclude;

	/**
	 * @param properties validated settings
	 */
	public PriorityClassifier(EdgeConcurrencyProperties properties) {
		this.rules = properties.rules().stream().map(CompiledRule::new).toList();
		this.defaultPartition = properties.defaultPartition();
		this.exclude = properties.exclude().stream().map(PathPatternParser.defaultInstance::parse).toList();
	}

	/** The partition of {@code request}. */
	public String partition(ServerHttpRequest request) {
		PathContainer path = request.getPath().pathWithinApplication();
		for (CompiledRule rule : this.rules) {
			if (rule.matches(request, path)) {
				return rule.partition;
			}
		}
		return this.defaultPartition;
	}

	/** Whether {@code request} is never limited ({@code edge.concurrency.exclude}). */
	public boolean excluded(ServerHttpRequest request) {
		if (this.exclude.isEmpty()) {
			return false;
		}
		PathContainer path = request.getPath().pathWithinApplication();
		for (PathPattern pattern : this.exclude) {
			if (pattern.matches(path)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether {@code request} is a write: POST, PUT, PATCH or DELETE. Any other method,
	 * including ones the edge does not know, is limited like a read, so a flood of odd
	 * methods cannot pass the limit as writes.
	 */
	public static boolean isWrite(ServerHttpRequest request) {
		return WRITES.contains(request.getMethod());
	}

	private static final class CompiledRule {

		private final String partition;

		private final List<PathPattern> paths;

		private final Set<String> methods;

		private final List<Map.Entry<String, String>> headers;

		CompiledRule(EdgeConcurrencyProperties.Rule rule) {
			this.partition = rule.partition();
			this.paths = rule.paths().stream().map(PathPatternParser.defaultInstance::parse).toList();
			this.methods = Set.copyOf(rule.methods());
			this.headers = rule.headers()
				.entrySet()
				.stream()
				.map((header) -> Map.entry(header.getKey(), header.getValue().toLowerCase(Locale.ROOT)))
				.toList();
		}

		boolean matches(ServerHttpRequest request, PathContainer path) {
			if (!this.methods.isEmpty() && !this.methods.contains(request.getMethod().name())) {
				return false;
			}
			if (!this.paths.isEmpty() && this.paths.stream().noneMatch((pattern) -> pattern.matches(path))) {
				return false;
			}
			HttpHeaders requestHeaders = request.getHeaders();
			for (Map.Entry<String, String> header : this.headers) {
				List<String> values = requestHeaders.get(header.getKey());
				if (values == null || values.stream().noneMatch((value) -> valueMatches(header.getValue(), value))) {
					return false;
				}
			}
			return true;
		}

		private static boolean valueMatches(String expected, String actual) {
			if (expected.equals("*")) {
				return true;
			}
			String value = actual.trim().toLowerCase(Locale.ROOT);
			if (expected.endsWith("*")) {
				return value.startsWith(expected.substring(0, expected.length() - 1));
			}
			return value.equals(expected);
		}

	}

}
