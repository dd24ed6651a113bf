package io.ftgo.edge.gateway.lb;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.SimpleObjectProvider;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * One provider's instances behind Spring Cloud LoadBalancer's round robin: the instance
 * list (static, DNS or a discovery client) minus the instances the
 * {@link OutlierDetector} has ejected. Each call's outcome goes back to the detector and
 * into {@code edge.lb.requests{provider, instance, outcome}}.
 */
public final class ProviderBalancer {

	static final String REQUESTS = "edge.lb.requests";

	private final String provider;

	private final RoundRobinLoadBalancer balancer;

	private final OutlierDetector detector;

	private final MeterRegistry meters;

	private final Set<String> seen = ConcurrentHashMap.newKeySet();

	ProviderBalancer(String provider, ServiceInstanceListSupplier instances,
			EdgeLoadBalancingProperties.OutlierEjection ejection, Clock clock, MeterRegistry meters) {
		this.provider = provider;
		this.meters = meters;
		this.detector = new OutlierDetector(ejection, clock, (instance, ejected) -> ejected(instance));
		ServiceInstanceListSupplier ejecting = new EjectingSupplier(instances, this.detector, this);
		// Seed 0: a fixed rotation (Spring's default starts at a random position).
		this.balancer = new RoundRobinLoadBalancer(new SimpleObjectProvider<>(ejecting), provider, 0);
	}

	public String provider() {
		return this.provider;
	}

	/** The next instance, or empty when the provider has none. */
	public Mono<ServiceInstance> choose() {
		return Mono.from(this.balancer.choose(new DefaultRequest<>()))
			.filter(Response::hasServer)
			.map(Response::getServer);
	}

	/** The request URI with scheme, host and port of the instance. */
	public static URI reconstruct(URI original, ServiceInstance instance) {
		URI base = instance.getUri();
		return UriComponentsBuilder.fromUri(original)
			.scheme(base.getScheme())
			.host(base.getHost())
			.port(base.getPort())
			.build(true)
			.toUri();
	}

	public void success(ServiceInstance instance) {
		this.detector.success(instance);
		count(instance, "success");
	}

	public void failure(ServiceInstance instance) {
		this.detector.failure(instance);
		count(instance, "failure");
	}

	private void count(ServiceInstance instance, String outcome) {
		if (this.meters != null) {
			Counter.builder(REQUESTS)
				.description("Calls to one provider instance, by outcome (failure: 5xx or no connection)")
				.tag("provider", this.provider)
				.tag("instance", OutlierDetector.key(instance))
				.tag("outcome", outcome)
				.register(this.meters)
				.increment();
		}
	}

	void seen(List<ServiceInstance> instances) {
		if (this.meters == null) {
			return;
		}
		for (ServiceInstance instance : instances) {
			String key = OutlierDetector.key(instance);
			if (!this.seen.add(key)) {
				continue;
			}
			Gauge.builder("edge.lb.ejected", this.detector, (d) -> d.ejected(key) ? 1 : 0)
				.description("1 while the provider instance is ejected by outlier detection")
				.tag("provider", this.provider)
				.tag("instance", key)
				.register(this.meters);
		}
	}

	void ejected(String instance) {
		if (this.meters != null) {
			Counter.builder("edge.lb.ejections")
				.description("Times a provider instance was ejected by outlier detection")
				.tag("provider", this.provider)
				.tag("instance", instance)
				.register(this.meters)
				.increment();
		}
	}

	private static final class EjectingSupplier implements ServiceInstanceListSupplier {

		private final ServiceInstanceListSupplier delegate;

		private final OutlierDetector detector;

		private final ProviderBalancer owner;

		EjectingSupplier(ServiceInstanceListSupplier delegate, OutlierDetector detector, ProviderBalancer owner) {
			this.delegate = delegate;
			this.detector = detector;
			this.owner = owner;
		}

		@Override
		public String getServiceId() {
			return this.delegate.getServiceId();
		}

		@Override
		public Flux<List<ServiceInstance>> get() {
			return this.delegate.get().take(1).map((all) -> {
				this.owner.seen(all);
				return this.detector.available(all);
			});
		}

	}

}
