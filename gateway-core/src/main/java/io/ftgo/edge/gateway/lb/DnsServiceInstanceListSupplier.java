package io.ftgo.edge.gateway.lb;

import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;

/**
 * Every address of a host name as one instance each (the URL's scheme and port), e.g. a
 * Kubernetes headless Service, whose name resolves to the Ready pods. Resolved on a
 * bounded-elastic thread (the JDK resolver blocks) and reused for {@code refresh}; if a
 * refresh fails the last addresses stay in use.
 */
final class DnsServiceInstanceListSupplier implements ServiceInstanceListSupplier {

	private final String serviceId;

	private final URI url;

	private final Duration refresh;

	private final Clock clock;

	private final AtomicReference<Resolved> resolved = new AtomicReference<>();

	DnsServiceInstanceListSupplier(String serviceId, URI url, Duration refresh, Clock clock) {
		this.serviceId = serviceId;
		this.url = url;
		this.refresh = refresh;
		this.clock = clock;
	}

	@Override
	public String getServiceId() {
		return this.serviceId;
	}

	@Override
	public Flux<List<ServiceInstance>> get() {
		Resolved current = this.resolved.get();
		if (current != null && this.clock.instant().isBefore(current.expires())) {
			return Flux.just(current.instances());
		}
		return Mono.fromCallable(this::resolve)
			.subscribeOn(Schedulers.boundedElastic())
			.doOnNext(
					(instances) -> this.resolved.set(new Resolved(instances, this.clock.instant().plus(this.refresh))))
			.onErrorResume((ex) -> (current != null) ? Mono.just(current.instances()) : Mono.just(List.of()))
			.flux();
	}

	private List<ServiceInstance> resolve() throws Exception {
		boolean secure = "https".equalsIgnoreCase(this.url.getScheme());
		int port = (this.url.getPort() != -1) ? this.url.getPort() : (secure ? 443 : 80);
		List<ServiceInstance> instances = new ArrayList<>();
		for (InetAddress address : InetAddress.getAllByName(this.url.getHost())) {
			String host = address.getHostAddress();
			instances.add(new DefaultServiceInstance(this.serviceId + "-" + host + "-" + port, this.serviceId, host,
					port, secure));
		}
		return instances;
	}

	private record Resolved(List<ServiceInstance> instances, Instant expires) {
	}

}
