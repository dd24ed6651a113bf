package io.ftgo.edge.gateway.composition;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

import io.ftgo.edge.composition.CompositionDefinition;
import io.ftgo.edge.composition.ProviderDefinition;

/**
 * Providers and composed endpoints, under {@code edge}: the declarative front door of the
 * composition engine (see composition/README.md for the part vocabulary).
 *
 * <pre>
 * edge:
 *   providers:
 *     order: { url: http://localhost:9081, timeout: 800ms }
 *   compositions:
 *     order-details:
 *       request: GET /api/web/orders/{orderId}
 *       parts:
 *         order: { from: order, get: "/orders/{orderId}", required: true }
 *   endpoints:
 *     order-details: { metadata: body }     # body (default), headers or none
 *     restaurant-menu: { cache-control: "public, max-age=60" }   # default private, no-cache
 * </pre>
 *
 * @param providers provider services by id: one circuit breaker, bulkhead and pool each
 * @param compositions composed endpoints by name
 * @param endpoints how each composed endpoint answers over HTTP
 */
@ConfigurationProperties("edge")
public record EdgeCompositionProperties(Map<String, ProviderDefinition> providers,
		Map<String, CompositionDefinition> compositions, Map<String, Endpoint> endpoints) {

	public EdgeCompositionProperties {
		providers = (providers != null) ? new LinkedHashMap<>(providers) : Map.of();
		compositions = (compositions != null) ? new LinkedHashMap<>(compositions) : Map.of();
		endpoints = (endpoints != null) ? new LinkedHashMap<>(endpoints) : Map.of();
	}

	/** The HTTP settings of a composition, defaults when none are configured. */
	public Endpoint endpoint(String composition) {
		return this.endpoints.getOrDefault(composition, new Endpoint(Metadata.BODY));
	}

	/**
	 * How a composed endpoint answers.
	 *
	 * @param metadata where per-part metadata goes
	 * @param cacheControl the {@code Cache-Control} of its answers; default
	 * {@code private, no-cache} (per caller, revalidated with the ETag). An endpoint
	 * whose answer is the same for everyone may say e.g. {@code public, max-age=60}, so
	 * that a shared {@code edge.cache.rules} entry can keep it
	 */
	public record Endpoint(Metadata metadata, String cacheControl) {

		/** The default {@code Cache-Control} of composed answers. */
		public static final String DEFAULT_CACHE_CONTROL = "private, no-cache";

		@ConstructorBinding
		public Endpoint(@DefaultValue("body") Metadata metadata,
				@DefaultValue(DEFAULT_CACHE_CONTROL) String cacheControl) {
			this.metadata = metadata;
			this.cacheControl = (cacheControl != null && !cacheControl.isBlank()) ? cacheControl
					: DEFAULT_CACHE_CONTROL;
		}

		/**
		 * An endpoint with the default {@code Cache-Control}.
		 * @param metadata where per-part metadata goes
		 */
		public Endpoint(Metadata metadata) {
			this(metadata, DEFAULT_CACHE_CONTROL);
		}

	}

	/** Where per-part metadata goes. */
	public enum Metadata {

		/** A {@code _meta} object in the body: {@code complete} and per-part status. */
		BODY,
		/**
		 * Headers: {@code X-Composition-Complete} and {@code X-Degraded-Parts} (small
		 * payloads).
		 */
		HEADERS,
		/** Only {@code Server-Timing}. */
		NONE

	}

}
