package io.ftgo.edge.gateway.lb;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.loadbalancer.core.DiscoveryClientServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.cloud.loadbalancer.support.ServiceInstanceListSuppliers;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import io.ftgo.edge.composition.ProviderDefinition;
import io.ftgo.edge.composition.grpc.GrpcBalancing;
import io.ftgo.edge.security.config.InvalidEdgeConfigurationException;

/**
 * The load-balanced providers, found by the authority ({@code host:port}) of their
 * {@code edge.providers.<id>.url}: a proxied route or a composed call to that URL goes to
 * one of the provider's instances instead. Providers without {@code edge.load-balancing}
 * configuration are untouched.
 */
public final class ProviderBalancers {

	private final Map<String, ProviderBalancer> byAuthority;

	private final Map<String, GrpcBalancing> grpc;

	private ProviderBalancers(Map<String, ProviderBalancer> byAuthority, Map<String, GrpcBalancing> grpc) {
		this.byAuthority = byAuthority;
		this.grpc = grpc;
	}

	static ProviderBalancers of(EdgeLoadBalancingProperties properties, Map<String, ProviderDefinition> providers,
			ReactiveDiscoveryClient discovery, Clock clock, MeterRegistry meters) {
		validate("edge.load-balancing.outlier-ejection.", properties.outlierEjection());
		Map<String, ProviderBalancer> byAuthority = new LinkedHashMap<>();
		Map<String, GrpcBalancing> grpc = new LinkedHashMap<>();
		properties.providers().forEach((id, provider) -> {
			String key = "edge.load-balancing.providers." + id;
			EdgeLoadBalancingProperties.OutlierEjection ejection = (provider.outlierEjection() != null)
					? provider.outlierEjection() : properties.outlierEjection();
			validate(key + ".outlier-ejection.", ejection);
			ProviderDefinition definition = providers.get(id);
			if (definition != null && definition.transport() == ProviderDefinition.Transport.GRPC) {
				grpc.put(id, grpc(key, id, provider, definition, ejection));
				return;
			}
			if (definition == null || definition.url() == null) {
				throw new InvalidEdgeConfigurationException(key, id,
						"the id of a provider with a url under edge.providers " + providers.keySet());
			}
			URI url = URI.create(definition.url());
			ServiceInstanceListSupplier instances = switch (provider.discovery()) {
				case STATIC -> {
					if (provider.instances().isEmpty()) {
						throw new InvalidEdgeConfigurationException(key + ".instances", "[]",
								"at least one base URL (http://host:port), or discovery: dns | client");
					}
					ServiceInstance[] list = new ServiceInstance[provider.instances().size()];
					for (int i = 0; i < list.length; i++) {
						URI instance = uri(key + ".instances[" + i + "]", provider.instances().get(i));
						if (instance.getHost() == null || instance.getPort() == -1
								|| !("http".equals(instance.getScheme()) || "https".equals(instance.getScheme()))) {
							throw new InvalidEdgeConfigurationException(key + ".instances[" + i + "]", instance,
									"an absolute http(s) URL with a port, e.g. http://10.0.0.5:8080");
						}
						list[i] = new DefaultServiceInstance(id + "-" + i, id, instance.getHost(), instance.getPort(),
								"https".equals(instance.getScheme()));
					}
					yield ServiceInstanceListSuppliers.from(id, list);
				}
				case DNS -> new DnsServiceInstanceListSupplier(id, url, provider.refresh(), clock);
				case CLIENT -> {
					if (discovery == null) {
						throw new InvalidEdgeConfigurationException(key + ".discovery", "client",
								"a ReactiveDiscoveryClient on the classpath (e.g. spring-cloud-starter-kubernetes-client), or static | dns");
					}
					StandardEnvironment environment = new StandardEnvironment();
					environment.getPropertySources()
						.addFirst(new MapPropertySource("edge-lb-" + id, Map.of(LoadBalancerClientFactory.PROPERTY_NAME,
								(provider.serviceId() != null) ? provider.serviceId() : id)));
					yield new DiscoveryClientServiceInstanceListSupplier(discovery, environment);
				}
			};
			if (byAuthority.put(authority(url), new ProviderBalancer(id, instances, ejection, clock, meters)) != null) {
				throw new InvalidEdgeConfigurationException(key, definition.url(),
						"a url no other load-balanced provider uses");
			}
		});
		return new ProviderBalancers(Map.copyOf(byAuthority), Map.copyOf(grpc));
	}

	private static URI uri(String key, String value) {
		try {
			return URI.create(value.trim());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEdgeConfigurationException(key, value,
					"an absolute http(s) URL with a port, e.g. http://10.0.0.5:8080");
		}
	}

	/**
	 * A gRPC provider's replicas: its channel runs grpc-java's outlier detection over
	 * round robin, with the same ejection settings as HTTP instances (see
	 * {@link GrpcBalancing}).
	 */
	private static GrpcBalancing grpc(String key, String id, EdgeLoadBalancingProperties.Provider provider,
			ProviderDefinition definition, EdgeLoadBalancingProperties.OutlierEjection ejection) {
		String target = (definition.grpc() != null) ? definition.grpc().target() : null;
		return switch (provider.discovery()) {
			case STATIC -> {
				if (provider.instances().isEmpty()) {
					throw new InvalidEdgeConfigurationException(key + ".instances", "[]",
							"at least one gRPC address (host:port), or discovery: dns");
				}
				List<InetSocketAddress> addresses = new ArrayList<>();
				for (int i = 0; i < provider.instances().size(); i++) {
					addresses.add(grpcAddress(key + ".instances[" + i + "]", provider.instances().get(i)));
				}
				// grpc-java stops ejecting once the ejected share reaches the percentage
				// (so it may eject one more); with a known number of replicas, the
				// percentage that allows exactly as many ejections as HTTP does.
				int n = addresses.size();
				int allowed = ejection.maxEjectionPercent() * n / 100;
				yield balancing(addresses, null, ejection, allowed * 100 / n);
			}
			case DNS -> {
				if (target == null || !target.trim().matches("(dns:///)?[^/:\\s]+:\\d+")) {
					throw new InvalidEdgeConfigurationException("edge.providers." + id + ".grpc.target", target,
							"host:port or dns:///host:port with " + key + ".discovery: dns");
				}
				String t = target.trim();
				yield balancing(List.of(), t.startsWith("dns:") ? t : "dns:///" + t, ejection,
						ejection.maxEjectionPercent());
			}
			case CLIENT -> throw new InvalidEdgeConfigurationException(key + ".discovery", "client",
					"static | dns for a transport: grpc provider (a discovery client is for HTTP providers)");
		};
	}

	private static GrpcBalancing balancing(List<InetSocketAddress> addresses, String target,
			EdgeLoadBalancingProperties.OutlierEjection ejection, int maxEjectionPercent) {
		return new GrpcBalancing(addresses, target, ejection.interval(), ejection.baseEjectionTime(),
				ejection.maxEjectionTime(), maxEjectionPercent, ejection.consecutiveFailures(),
				ejection.failurePercentage());
	}

	/** {@code host:port} or {@code [v6]:port}, resolved now (start-up). */
	private static InetSocketAddress grpcAddress(String key, String value) {
		String text = (value != null) ? value.trim() : "";
		URI uri;
		try {
			uri = (text.contains("//") || text.isEmpty()) ? null : URI.create("//" + text);
		}
		catch (IllegalArgumentException ex) {
			uri = null;
		}
		if (uri == null || uri.getHost() == null || uri.getPort() == -1
				|| uri.getPath() != null && !uri.getPath().isEmpty()) {
			throw new InvalidEdgeConfigurationException(key, value,
					"a gRPC replica's address, host:port, e.g. 10.0.0.5:9087 (not a URL)");
		}
		InetSocketAddress address = new InetSocketAddress(uri.getHost().replaceAll("^\\[|\\]$", ""), uri.getPort());
		if (address.isUnresolved()) {
			throw new InvalidEdgeConfigurationException(key, value,
					"a host name that resolves at start-up, or discovery: dns for names whose addresses change");
		}
		return address;
	}

	/**
	 * The replicas and outlier ejection of the {@code transport: grpc} providers with
	 * {@code edge.load-balancing}, for the composition engine's gRPC channels.
	 * @return by provider id
	 */
	public Map<String, GrpcBalancing> grpc() {
		return this.grpc;
	}

	private static void validate(String prefix, EdgeLoadBalancingProperties.OutlierEjection ejection) {
		if (ejection.consecutiveFailures() < 1) {
			throw new InvalidEdgeConfigurationException(prefix + "consecutive-failures", ejection.consecutiveFailures(),
					">= 1");
		}
		if (ejection.baseEjectionTime().isNegative() || ejection.baseEjectionTime().isZero()) {
			throw new InvalidEdgeConfigurationException(prefix + "base-ejection-time", ejection.baseEjectionTime(),
					"> 0, e.g. 30s");
		}
		if (ejection.maxEjectionTime().compareTo(ejection.baseEjectionTime()) < 0) {
			throw new InvalidEdgeConfigurationException(prefix + "max-ejection-time", ejection.maxEjectionTime(),
					">= base-ejection-time (" + ejection.baseEjectionTime() + ")");
		}
		if (ejection.maxEjectionPercent() < 0 || ejection.maxEjectionPercent() > 100) {
			throw new InvalidEdgeConfigurationException(prefix + "max-ejection-percent", ejection.maxEjectionPercent(),
					"between 0 and 100");
		}
		if (ejection.interval().isNegative() || ejection.interval().isZero()) {
			throw new InvalidEdgeConfigurationException(prefix + "interval", ejection.interval(), "> 0, e.g. 10s");
		}
		if (ejection.failurePercentage() < 0 || ejection.failurePercentage() > 99) {
			throw new InvalidEdgeConfigurationException(prefix + "failure-percentage", ejection.failurePercentage(),
					"between 0 and 99 (a replica failing more than this share of its calls is ejected)");
		}
	}

	/** The balancer for a request to this URI, or null. */
	public ProviderBalancer forUri(URI uri) {
		if (this.byAuthority.isEmpty() || uri == null || uri.getHost() == null) {
			return null;
		}
		return this.byAuthority.get(authority(uri));
	}

	public boolean isEmpty() {
		return this.byAuthority.isEmpty();
	}

	static String authority(URI uri) {
		int port = uri.getPort();
		if (port == -1) {
			port = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
		}
		return uri.getHost().toLowerCase(java.util.Locale.ROOT) + ":" + port;
	}

}
