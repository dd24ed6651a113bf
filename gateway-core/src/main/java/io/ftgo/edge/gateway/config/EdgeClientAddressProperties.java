package io.ftgo.edge.gateway.config;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

import io.ftgo.edge.gateway.support.ClientAddressResolver;
import io.ftgo.edge.security.config.EdgeSettings;
import io.ftgo.edge.security.config.InvalidEdgeConfigurationException;

/**
 * Who the client is, under {@value #PREFIX}: the proxies whose {@code X-Forwarded-For} is
 * believed ({@link ClientAddressResolver}).
 *
 * <pre>
 * edge:
 *   client-address:
 *     trusted-proxies: [10.0.0.0/8]    # default none: the TCP peer is the client
 * </pre>
 *
 * The key was {@code edge.trusted-proxies} before; that key now stops start-up naming
 * this one, so that a forgotten rename never silently distrusts every proxy.
 *
 * @param trustedProxies addresses or CIDR blocks of proxies whose {@code X-Forwarded-For}
 * is believed; empty = none, the peer address is the client
 */
@ConfigurationProperties(EdgeClientAddressProperties.PREFIX)
public record EdgeClientAddressProperties(List<String> trustedProxies) implements EdgeSettings {

	/** The configuration prefix. */
	public static final String PREFIX = "edge.client-address";

	/** The key this one replaces. */
	static final String MOVED_TRUSTED_PROXIES = "edge.trusted-proxies";

	public EdgeClientAddressProperties {
		trustedProxies = (trustedProxies != null) ? List.copyOf(trustedProxies) : List.of();
	}

	@Override
	public void validate(Environment environment) {
		Binder.get(environment).bind(MOVED_TRUSTED_PROXIES, Bindable.listOf(String.class)).ifBound((old) -> {
			throw InvalidEdgeConfigurationException.moved(MOVED_TRUSTED_PROXIES, old, PREFIX + ".trusted-proxies");
		});
		this.trustedProxies.forEach((proxy) -> {
			try {
				new ClientAddressResolver(List.of(proxy));
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidEdgeConfigurationException(PREFIX + ".trusted-proxies", proxy,
						"an IP address or CIDR block, e.g. 10.0.0.0/8");
			}
		});
	}

}
