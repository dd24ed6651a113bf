package io.ftgo.edge.stubs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * What a hostile or careless client sends, for tests that must prove nothing of it
 * reaches a provider: identity headers it has no right to set, in every spelling, and
 * malformed parameter values. The provider journals ({@link FtgoProviders#requests}) are
 * the proof.
 */
public final class HostileInputs {

	/**
	 * A value no edge ever sets: finding it at a provider means a client's value leaked.
	 */
	public static final String MARKER = "spoofed-by-client";

	/**
	 * One concrete header per entry of the edge's reserved identity namespace
	 * (X-Consumer-*, X-User-*, X-Partner-*, X-Client-*, X-Authenticated-*, X-Auth-*,
	 * X-Real-IP, X-Forwarded-*, Forwarded, X-Original-*, X-Envoy-*), with a value that
	 * names another identity.
	 */
	public static final Map<String, String> RESERVED_HEADERS = Map.ofEntries(Map.entry("X-Consumer-Id", "1002"),
			Map.entry("X-User-Id", "1002"), Map.entry("X-Partner-Id", "partner-eggshop"),
			Map.entry("X-Partner-Restaurant-Ids", "502"), Map.entry("X-Client-Id", "partner-eggshop"),
			Map.entry("X-Authenticated-User", "bob"), Map.entry("X-Auth-Request-Email", "bob@example.com"),
			Map.entry("X-Real-IP", "1.2.3.4"), Map.entry("X-Forwarded-For", "1.2.3.4"),
			Map.entry("X-Forwarded-Host", "evil.example"), Map.entry("Forwarded", "for=1.2.3.4;host=evil.example"),
			Map.entry("X-Original-URL", "/admin"), Map.entry("X-Envoy-Original-Path", "/admin"));

	private static final List<String> NAMESPACE_PREFIXES = List.of("x-consumer-", "x-user-", "x-partner-", "x-client-",
			"x-authenticated-", "x-auth-", "x-forwarded-", "x-original-", "x-envoy-");

	private static final List<String> NAMESPACE_NAMES = List.of("x-real-ip", "forwarded");

	/** How a reserved header is spelled and repeated. */
	public enum Variant {

		/** As listed. */
		AS_LISTED(UnaryOperator.identity()),
		/** Upper case name. */
		UPPER((name) -> name.toUpperCase(Locale.ROOT)),
		/** Lower case name. */
		LOWER((name) -> name.toLowerCase(Locale.ROOT)),
		/** Alternating case. */
		MIXED(HostileInputs::mixedCase),
		/** Sent twice, once with the marker. */
		REPEATED(UnaryOperator.identity()),
		/** An empty value. */
		EMPTY(UnaryOperator.identity()),
		/** One line, comma-joined values. */
		COMMA_JOINED(UnaryOperator.identity());

		private final UnaryOperator<String> spelling;

		Variant(UnaryOperator<String> spelling) {
			this.spelling = spelling;
		}

		/** The header name as this variant spells it. */
		public String name(String header) {
			return this.spelling.apply(header);
		}

		/** The values this variant sends for a header whose hostile value is given. */
		public List<String> values(String hostile) {
			return switch (this) {
				case REPEATED -> List.of(hostile, MARKER);
				case EMPTY -> List.of("");
				case COMMA_JOINED -> List.of(hostile + ", " + MARKER + ",1.2.3.4");
				default -> List.of(hostile);
			};
		}

	}

	/**
	 * Malformed values for a typed parameter, by kind, as they appear in a URI (already
	 * percent-encoded where a URI needs it): none of them is a plain positive integer, an
	 * enum name or a bounded token.
	 */
	public static final Map<String, String> MALFORMED = Map.ofEntries(Map.entry("sign", "-1"), Map.entry("plus", "+1"),
			Map.entry("exponent", "1e3"), Map.entry("hex", "0x1B59"), Map.entry("list", "7001,7002"),
			Map.entry("suffix", "7001.json"), Map.entry("whitespace", "%207001"), Map.entry("encoded space", "%20"),
			Map.entry("encoded slash", "7001%2F..%2F7002"), Map.entry("encoded braces", "%7B%7D"),
			Map.entry("at host", "@127.0.0.1:9085"), Map.entry("quote", "'%20OR%20'1'='1"),
			Map.entry("overflow", "99999999999999999999"), Map.entry("nul", "7001%00"));

	private HostileInputs() {
	}

	static String mixedCase(String name) {
		StringBuilder mixed = new StringBuilder(name.length());
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			mixed.append((i % 2 == 0) ? Character.toLowerCase(c) : Character.toUpperCase(c));
		}
		return mixed.toString();
	}

	/** Whether a header name is in the reserved identity namespace. */
	public static boolean isReserved(String name) {
		String lower = name.toLowerCase(Locale.ROOT);
		return NAMESPACE_NAMES.contains(lower) || NAMESPACE_PREFIXES.stream().anyMatch(lower::startsWith);
	}

	/**
	 * What in a provider's request came from a client: reserved headers other than the
	 * expected ones with their expected values, and any header value carrying a hostile
	 * value of {@link #RESERVED_HEADERS} or the {@link #MARKER}.
	 * @param request a request from a provider journal
	 * @param expected the identity headers the edge sets (name, lower case → value)
	 * @return the violations, empty when none
	 */
	public static List<String> clientIdentity(LoggedRequest request, Map<String, String> expected) {
		List<String> violations = new ArrayList<>();
		for (HttpHeader header : request.getHeaders().all()) {
			String name = header.key().toLowerCase(Locale.ROOT);
			if (isReserved(name)) {
				String value = expected.get(name);
				if (value == null || !header.values().equals(List.of(value))) {
					violations.add(
							request.getMethod() + " " + request.getUrl() + ": " + header.key() + "=" + header.values());
				}
			}
			for (String value : header.values()) {
				if (value.contains(MARKER) || value.contains("evil.example") || value.contains("1.2.3.4")) {
					violations.add(request.getMethod() + " " + request.getUrl() + ": " + header.key() + "=" + value);
				}
			}
		}
		return violations;
	}

}
