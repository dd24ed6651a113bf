package io.ftgo.edge.gateway.config;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * General edge settings under {@value #PREFIX}.
 *
 * @param trustedProxies addresses or CIDR blocks of proxies whose {@code X-Forwarded-For}
 * is believed; empty = none, the peer address is the client
 */
@ConfigurationProperties(EdgeGatewayProperties.PREFIX)
public record EdgeGatewayProperties(List<String> trustedProxies) {

	/** The configuration prefix. */
	public static final String PREFIX = "edge";

	public EdgeGatewayProperties {
		trustedProxies = (trustedProxies != null) ? List.copyOf(trustedProxies) : List.of();
	}

}
