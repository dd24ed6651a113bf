package io.ftgo.edge.security.config;

/**
 * A security setting that cannot work; thrown at start-up. The message names the key, the
 * value and what is expected:
 * {@code "edge.security.jwt.clock-skew: PT10M (expected: between
 * PT0S and PT5M)"}.
 */
public class InvalidSecurityConfigurationException extends IllegalStateException {

	private final String key;

	public InvalidSecurityConfigurationException(String key, Object value, String expected) {
		super(key + ": " + value + " (expected: " + expected + ")");
		this.key = key;
	}

	/** The configuration key at fault. */
	public String getKey() {
		return this.key;
	}

}
