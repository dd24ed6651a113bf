package io.ftgo.edge.gateway.config;

/**
 * An edge setting that cannot work; thrown at start-up with the key, the value and what
 * is expected: {@code "edge.limits.max-body-size: 0B (expected: between 1B and 64MB)"}.
 */
public class InvalidEdgeConfigurationException extends IllegalStateException {

	private final String key;

	public InvalidEdgeConfigurationException(String key, Object value, String expected) {
		super(key + ": " + value + " (expected: " + expected + ")");
		this.key = key;
	}

	/** The configuration key at fault. */
	public String getKey() {
		return this.key;
	}

}
