package io.ftgo.edge.gateway.config;

import java.util.List;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.env.Environment;

import io.ftgo.edge.gateway.support.ReservedHeaders;
import io.ftgo.edge.security.config.EdgeSettings;

import static io.ftgo.edge.security.config.InvalidEdgeConfigurationException.require;

/**
 * The reserved identity namespace under {@value #PREFIX}:
 * {@link ReservedHeaders#DEFAULTS}, extended and (explicitly) reduced.
 *
 * <pre>
 * edge:
 *   reserved-headers:
 *     additional: [X-Tenant-*]         # more names or prefixes (trailing *) no client may send
 *     unreserved: []                   # entries of the default a client may send: explicit only
 * </pre>
 *
 * @param additional header names, or prefixes ending in {@code *}, added to the namespace
 * @param unreserved entries of the default namespace, written exactly as listed there,
 * that clients may send to this BFF's providers
 */
@ConfigurationProperties(EdgeReservedHeadersProperties.PREFIX)
public record EdgeReservedHeadersProperties(List<String> additional, List<String> unreserved) implements EdgeSettings {

	/** The configuration prefix. */
	public static final String PREFIX = "edge.reserved-headers";

	/** A header name, or a prefix ending in {@code *}. */
	static final Pattern HEADER_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*\\*?");

	public EdgeReservedHeadersProperties {
		additional = (additional != null) ? List.copyOf(additional) : List.of();
		unreserved = (unreserved != null) ? List.copyOf(unreserved) : List.of();
	}

	/** The namespace in effect. */
	public ReservedHeaders toReservedHeaders() {
		return ReservedHeaders.of(this.additional, this.unreserved);
	}

	@Override
	public void validate(Environment environment) {
		for (String entry : this.additional) {
			require(entry != null && HEADER_PATTERN.matcher(entry).matches(), PREFIX + ".additional", entry,
					"a header name or a prefix ending in *, e.g. X-Tenant-*");
		}
		for (String entry : this.unreserved) {
			require(entry != null && ReservedHeaders.DEFAULTS.stream().anyMatch(entry::equalsIgnoreCase),
					PREFIX + ".unreserved", entry,
					"an entry of the default namespace, written as there: " + ReservedHeaders.DEFAULTS);
		}
	}

}
