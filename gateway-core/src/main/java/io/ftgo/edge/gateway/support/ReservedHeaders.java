package io.ftgo.edge.gateway.support;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The reserved identity namespace: request headers that carry who the caller is or where
 * it connects from. A client never gets to set them; the edge removes every inbound copy
 * before authentication, on every route, proxied or composed, and sets the ones providers
 * need from the verified principal. An entry ending in {@code *} is a prefix; matching
 * ignores case.
 */
public final class ReservedHeaders {

	/**
	 * The default namespace; removing an entry takes
	 * {@code edge.reserved-headers.unreserved}.
	 */
	public static final List<String> DEFAULTS = List.of("X-Consumer-*", "X-User-*", "X-Partner-*", "X-Client-*",
			"X-Authenticated-*", "X-Auth-*", "X-Real-IP", "X-Forwarded-*", "Forwarded", "X-Original-*", "X-Envoy-*");

	/** Entries that only a trusted proxy may send (they describe the connection). */
	private static final List<String> FORWARDING = List.of("x-forwarded-", "forwarded");

	private final Set<String> exact;

	private final String[] exactArray;

	private final String[] prefixes;

	private final List<String> entries;

	private ReservedHeaders(List<String> entries) {
		this.entries = List.copyOf(entries);
		Set<String> exact = new LinkedHashSet<>();
		List<String> prefixes = new ArrayList<>();
		for (String entry : entries) {
			String lower = entry.toLowerCase(Locale.ROOT);
			if (lower.endsWith("*")) {
				prefixes.add(lower.substring(0, lower.length() - 1));
			}
			else {
				exact.add(lower);
			}
		}
		this.exact = Set.copyOf(exact);
		this.exactArray = exact.toArray(String[]::new);
		this.prefixes = prefixes.toArray(String[]::new);
	}

	/**
	 * The default namespace, plus {@code additional}, minus {@code unreserved}.
	 * @param additional entries added to the defaults
	 * @param unreserved entries of the defaults that are not reserved here
	 * @return the namespace
	 */
	public static ReservedHeaders of(List<String> additional, List<String> unreserved) {
		List<String> entries = new ArrayList<>();
		for (String entry : DEFAULTS) {
			if (unreserved.stream().noneMatch(entry::equalsIgnoreCase)) {
				entries.add(entry);
			}
		}
		for (String entry : additional) {
			if (entries.stream().noneMatch(entry::equalsIgnoreCase)) {
				entries.add(entry);
			}
		}
		return new ReservedHeaders(entries);
	}

	/**
	 * A namespace of exactly these entries (no defaults).
	 * @param entries names, or prefixes ending in {@code *}
	 * @return the namespace
	 */
	public static ReservedHeaders exactly(List<String> entries) {
		return new ReservedHeaders(entries);
	}

	/** The entries in effect, as configured (for docs and start-up logs). */
	public List<String> entries() {
		return this.entries;
	}

	/**
	 * Whether {@code name} is in the namespace.
	 * @param name a header name, any case
	 * @return true when an inbound copy must be removed
	 */
	public boolean matches(CharSequence name) {
		if (!isAscii(name)) {
			return matchesLowerCase(name.toString().toLowerCase(Locale.ROOT));
		}
		// an ASCII name lower-cases to A-Z -> a-z only: compared in place, nothing
		// allocated
		for (String exact : this.exactArray) {
			if (exact.length() == name.length() && startsWithLowerCase(name, exact)) {
				return true;
			}
		}
		for (String prefix : this.prefixes) {
			if (startsWithLowerCase(name, prefix)) {
				return true;
			}
		}
		return false;
	}

	private boolean matchesLowerCase(String lower) {
		if (this.exact.contains(lower)) {
			return true;
		}
		for (String prefix : this.prefixes) {
			if (lower.startsWith(prefix)) {
				return true;
			}
		}
		return false;
	}

	private static boolean isAscii(CharSequence name) {
		for (int i = 0; i < name.length(); i++) {
			if (name.charAt(i) >= 0x80) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether ASCII {@code name}, lower-cased, starts with {@code lower}.
	 */
	private static boolean startsWithLowerCase(CharSequence name, String lower) {
		if (name.length() < lower.length()) {
			return false;
		}
		for (int i = 0; i < lower.length(); i++) {
			char c = name.charAt(i);
			if (c >= 'A' && c <= 'Z') {
				c = (char) (c + ('a' - 'A'));
			}
			if (c != lower.charAt(i)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether {@code name} is a forwarding header ({@code X-Forwarded-*},
	 * {@code Forwarded}), which a trusted proxy may send.
	 * @param name a header name, any case
	 * @return true for forwarding headers
	 */
	public static boolean isForwarding(CharSequence name) {
		if (!isAscii(name)) {
			String lower = name.toString().toLowerCase(Locale.ROOT);
			return lower.equals(FORWARDING.get(1)) || lower.startsWith(FORWARDING.get(0));
		}
		String forwarded = FORWARDING.get(1);
		return (name.length() == forwarded.length() && startsWithLowerCase(name, forwarded))
				|| startsWithLowerCase(name, FORWARDING.get(0));
	}

}
