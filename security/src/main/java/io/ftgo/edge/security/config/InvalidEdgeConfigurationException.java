package io.ftgo.edge.security.config;

/**
 * An edge setting that cannot work, the one exception type of every module's settings
 * check (security, gateway-core, its rate limits, caches, sessions and GraphQL). Thrown
 * while the settings are bound, with the key, the value and what is expected:
 * {@code "edge.limits.max-body-size: 0B (expected: between 1B and 64MB)"}.
 * {@link EdgeConfigurationFailureAnalyzer} turns it into Spring Boot's "APPLICATION
 * FAILED TO START" report. It lives in the security module, the lowest module with
 * settings, so that every module above can use it.
 */
public class InvalidEdgeConfigurationException extends IllegalStateException {

	private final String key;

	private final transient Object value;

	private final String expected;

	private final String movedTo;

	public InvalidEdgeConfigurationException(String key, Object value, String expected) {
		this(key, value, expected, null);
	}

	private InvalidEdgeConfigurationException(String key, Object value, String expected, String movedTo) {
		super(key + ": " + value + " (expected: " + expected + ")");
		this.key = key;
		this.value = value;
		this.expected = expected;
		this.movedTo = movedTo;
	}

	/**
	 * A key that is no longer read because it moved: set, it stops start-up naming its
	 * new key (an old key silently ignored would drop the setting).
	 * @param key the old key, e.g. {@code edge.trusted-proxies}
	 * @param value the value it has
	 * @param newKey where the setting lives now
	 * @return the exception to throw
	 */
	public static InvalidEdgeConfigurationException moved(String key, Object value, String newKey) {
		return new InvalidEdgeConfigurationException(key, value, "no value: this key moved to " + newKey, newKey);
	}

	/**
	 * Throws unless {@code ok}.
	 * @param ok whether the value is acceptable
	 * @param key the configuration key, e.g. {@code edge.limits.max-body-size}
	 * @param value the value bound
	 * @param expected what an acceptable value looks like
	 */
	public static void require(boolean ok, String key, Object value, String expected) {
		if (!ok) {
			throw new InvalidEdgeConfigurationException(key, value, expected);
		}
	}

	/** The configuration key at fault. */
	public String getKey() {
		return this.key;
	}

	/** The value at fault. */
	public Object getValue() {
		return this.value;
	}

	/** The key a moved setting lives under now, or null. */
	public String getMovedTo() {
		return this.movedTo;
	}

	/** What an acceptable value looks like. */
	public String getExpected() {
		return this.expected;
	}

}
