package io.ftgo.edge.gateway.ratelimit;

/**
 * A rate-limit setting that cannot work; thrown at start-up. The message names the key,
 * the value and what is expected:
 * {@code "edge.rate-limit.tiers.standard.limit: 0 (expected: > 0)"}.
 */
public class InvalidRateLimitConfigurationException extends IllegalStateException {

	private final String key;

	public InvalidRateLimitConfigurationException(String key, Object value, String expected) {
		super(key + ": " + value + " (expected: " + expected + ")");
		this.key = key;
	}

	/** The configuration key at fault. */
	public String getKey() {
		return this.key;
	}

}
