package io.ftgo.edge.gateway.lb;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * {@code edge.load-balancing}: providers reached through several instances, and the
 * outlier ejection that takes a failing instance out of the rotation.
 *
 * @param providers per provider id (an id of {@code edge.providers}): where its instances
 * come from
 * @param outlierEjection when an instance is ejected, for how long, and how many at most
 */
@ConfigurationProperties("edge.load-balancing")
public record EdgeLoadBalancingProperties(Map<String, Provider> providers, OutlierEjection outlierEjection) {

	public EdgeLoadBalancingProperties {
		providers = (providers != null) ? Map.copyOf(providers) : Map.of();
		outlierEjection = (outlierEjection != null) ? outlierEjection : new OutlierEjection(null, null, null, null);
	}

	/**
	 * The instances of one provider: a static list, or the provider URL's host name
	 * resolved to all its addresses, or a Spring Cloud discovery client.
	 *
	 * @param instances static list of base URLs ({@code http://10.0.0.5:8080}); for a
	 * {@code transport: grpc} provider, addresses ({@code 10.0.0.5:9087})
	 * @param discovery {@code static} (the default with instances), {@code dns} (resolve
	 * the host of {@code edge.providers.<id>.url}, or of a gRPC provider's
	 * {@code grpc.target}, to every address, e.g. a Kubernetes headless Service), or
	 * {@code client} (the application's ReactiveDiscoveryClient under the service id
	 * {@code serviceId})
	 * @param serviceId the discovery service id for {@code client}; default the provider
	 * id
	 * @param refresh how long resolved instances are reused ({@code dns}); default 10s
	 * @param outlierEjection this provider's ejection settings instead of the global ones
	 * (fields not set take the defaults)
	 */
	public record Provider(List<String> instances, Discovery discovery, String serviceId, Duration refresh,
			OutlierEjection outlierEjection) {

		public Provider {
			instances = (instances != null) ? List.copyOf(instances) : List.of();
			discovery = (discovery != null) ? discovery : Discovery.STATIC;
			refresh = (refresh != null) ? refresh : Duration.ofSeconds(10);
		}

	}

	/** Where a provider's instances come from. */
	public enum Discovery {

		/** {@code instances}. */
		STATIC,
		/** Every address of the provider URL's host name. */
		DNS,
		/** A Spring Cloud ReactiveDiscoveryClient (e.g. Kubernetes). */
		CLIENT

	}

	/**
	 * Envoy-style outlier ejection, per instance.
	 *
	 * @param consecutiveFailures 5xx answers or connect failures in a row that eject an
	 * instance; default 5
	 * @param baseEjectionTime ejection time, multiplied by the times the instance has
	 * been ejected; default 30s
	 * @param maxEjectionTime upper bound of one ejection; default 5m
	 * @param maxEjectionPercent at most this share of a provider's instances is ejected
	 * at once (an ejection that would exceed it does not happen); default 50
	 * @param interval gRPC providers only: how often grpc-java's outlier detection judges
	 * the replicas (HTTP ejects at once); default 10s
	 * @param failurePercentage gRPC providers only: a replica that answered at least
	 * {@code consecutiveFailures} calls in the last {@code interval}, more than this
	 * share of them failed, is ejected; default 50
	 */
	public record OutlierEjection(Integer consecutiveFailures, Duration baseEjectionTime, Duration maxEjectionTime,
			Integer maxEjectionPercent, Duration interval, Integer failurePercentage) {

		@ConstructorBinding
		public OutlierEjection {
			consecutiveFailures = (consecutiveFailures != null) ? consecutiveFailures : 5;
			baseEjectionTime = (baseEjectionTime != null) ? baseEjectionTime : Duration.ofSeconds(30);
			maxEjectionTime = (maxEjectionTime != null) ? maxEjectionTime : Duration.ofMinutes(5);
			maxEjectionPercent = (maxEjectionPercent != null) ? maxEjectionPercent : 50;
			interval = (interval != null) ? interval : Duration.ofSeconds(10);
			failurePercentage = (failurePercentage != null) ? failurePercentage : 50;
		}

		public OutlierEjection(Integer consecutiveFailures, Duration baseEjectionTime, Duration maxEjectionTime,
				Integer maxEjectionPercent) {
			this(consecutiveFailures, baseEjectionTime, maxEjectionTime, maxEjectionPercent, null, null);
		}

	}

}
