package io.ftgo.edge.stubs;

/**
 * The six FTGO provider services the edge tier calls, each served by its own WireMock
 * server (docs/architecture.md, "The FTGO providers"). The {@link #id()} is the
 * provider's name everywhere: YAML key, circuit-breaker name, metric tag, and the mapping
 * root {@code wiremock/{id}} on the classpath.
 */
public enum Provider {

	/** Order Service: {@code /orders}. */
	ORDER("order", 9081),

	/** Kitchen Service: {@code /tickets/{orderId}}. */
	KITCHEN("kitchen", 9082),

	/** Delivery Service: {@code /deliveries/{orderId}}. */
	DELIVERY("delivery", 9083),

	/** Accounting Service: {@code /bills/{orderId}}. */
	ACCOUNTING("accounting", 9084),

	/** Consumer Service: {@code /consumers/{consumerId}}. */
	CONSUMER("consumer", 9085),

	/** Restaurant Service: {@code /restaurants} and {@code /restaurants/{id}}. */
	RESTAURANT("restaurant", 9086);

	private final String id;

	private final int defaultPort;

	Provider(String id, int defaultPort) {
		this.id = id;
		this.defaultPort = defaultPort;
	}

	/** The lower-case provider id, e.g. {@code order}. */
	public String id() {
		return this.id;
	}

	/** The fixed port of the provider in the embedded run mode (9081..9086). */
	public int defaultPort() {
		return this.defaultPort;
	}

	/** The provider with the given {@link #id()}. */
	public static Provider fromId(String id) {
		for (Provider provider : values()) {
			if (provider.id.equals(id)) {
				return provider;
			}
		}
		throw new IllegalArgumentException(
				"provider: '" + id + "' (expected one of: order, kitchen, delivery, accounting, consumer, restaurant)");
	}

}
