package io.ftgo.edge.gateway.filter;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.cloud.gateway.support.RouteMetadataUtils;

import io.ftgo.edge.composition.CompositionEngine;
import io.ftgo.edge.composition.ProviderRegistry;
import io.ftgo.edge.composition.policy.ProviderSettings;
import io.ftgo.edge.security.config.InvalidEdgeConfigurationException;

/**
 * Which provider a proxied route calls, and its deadline. A route's provider is named by
 * its metadata {@code provider: <id>}, or else found from its {@code uri}: the provider
 * whose {@code edge.providers.<id>.url} has the same scheme, host and port (and whose
 * path, if any, starts the route's). Routes whose URI is no provider's are not protected.
 * A route's deadline is its metadata {@code response-timeout} (milliseconds, Spring Cloud
 * Gateway's own key), else its provider's {@code timeout}.
 *
 * <p>
 * The routes of {@code spring.cloud.gateway.server.webflux.routes} are checked at
 * start-up ({@link #validate}); a route built in code is resolved on its first request,
 * with the same rules.
 */
public final class RouteProviders {

	/** Route metadata key: the id of the provider the route calls. */
	public static final String PROVIDER = "provider";

	/** Route metadata key (Spring Cloud Gateway's): the route's own deadline in ms. */
	public static final String RESPONSE_TIMEOUT = RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR;

	private static final Binding NONE = new Binding(null, null);

	private final Map<String, ProviderSettings> providers = new LinkedHashMap<>();

	private final Map<String, Binding> bindings = new ConcurrentHashMap<>();

	/**
	 * The providers routes may call.
	 * @param registry the providers
	 * @param engine the engine holding their policies
	 */
	public RouteProviders(ProviderRegistry registry, CompositionEngine engine) {
		for (String id : registry.names()) {
			this.providers.put(id, engine.policy(id).settings());
		}
	}

	/**
	 * Checks the configured routes: a {@code provider} that is no provider id, a URI that
	 * two providers share without {@code provider} naming one, or a
	 * {@code response-timeout} that is not a positive number of milliseconds stops
	 * start-up naming the key.
	 * @param routes the route definitions, in configuration order
	 * @throws InvalidEdgeConfigurationException naming the key and the fix
	 */
	public void validate(List<RouteDefinition> routes) {
		for (int i = 0; i < routes.size(); i++) {
			RouteDefinition route = routes.get(i);
			resolve("spring.cloud.gateway.server.webflux.routes[" + i + "]", route.getUri(), route.getMetadata());
		}
	}

	/**
	 * The provider and deadline of a route.
	 * @param route the route
	 * @return the binding; its provider is {@code null} when the route calls none
	 */
	public Binding forRoute(Route route) {
		if (route == null) {
			return NONE;
		}
		Binding binding = this.bindings.get(route.getId());
		if (binding == null) {
			binding = resolve("route " + route.getId(), route.getUri(), route.getMetadata());
			this.bindings.put(route.getId(), binding);
		}
		return binding;
	}

	private Binding resolve(String key, URI uri, Map<String, Object> metadata) {
		Object named = (metadata != null) ? metadata.get(PROVIDER) : null;
		ProviderSettings provider;
		if (named != null) {
			provider = this.providers.get(named.toString());
			if (provider == null) {
				throw new InvalidEdgeConfigurationException(key + ".metadata." + PROVIDER, named,
						"the id of a provider under edge.providers " + this.providers.keySet());
			}
		}
		else {
			provider = byUri(key, uri);
			if (provider == null) {
				return NONE;
			}
		}
		Duration deadline = provider.timeout();
		Object timeout = (metadata != null) ? metadata.get(RESPONSE_TIMEOUT) : null;
		if (timeout != null) {
			long millis;
			try {
				millis = (timeout instanceof Number number) ? number.longValue()
						: Long.parseLong(timeout.toString().trim());
			}
			catch (NumberFormatException ex) {
				millis = -1;
			}
			if (millis <= 0) {
				throw new InvalidEdgeConfigurationException(key + ".metadata." + RESPONSE_TIMEOUT, timeout,
						"a number of milliseconds > 0 (the route's deadline), or remove it to use edge.providers."
								+ provider.id() + ".timeout");
			}
			deadline = Duration.ofMillis(millis);
		}
		return new Binding(provider.id(), deadline);
	}

	private ProviderSettings byUri(String key, URI uri) {
		if (uri == null || uri.getHost() == null || uri.getScheme() == null) {
			return null;
		}
		String authority = authority(uri);
		String path = (uri.getRawPath() != null) ? uri.getRawPath() : "";
		List<ProviderSettings> best = new ArrayList<>();
		int bestLength = -1;
		for (ProviderSettings provider : this.providers.values()) {
			if (provider.url() == null) {
				continue;
			}
			URI url = URI.create(provider.url());
			String prefix = (url.getRawPath() != null) ? url.getRawPath() : "";
			if (!authority.equals(authority(url)) || !(path.equals(prefix)
					|| path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/") || prefix.isEmpty())) {
				continue;
			}
			if (prefix.length() > bestLength) {
				best.clear();
				bestLength = prefix.length();
			}
			if (prefix.length() == bestLength) {
				best.add(provider);
			}
		}
		if (best.size() > 1) {
			throw new InvalidEdgeConfigurationException(key + ".metadata." + PROVIDER, "(none)",
					"the id of the provider this route calls: its uri " + uri + " is the url of several providers "
							+ best.stream().map(ProviderSettings::id).toList());
		}
		return best.isEmpty() ? null : best.get(0);
	}

	private static String authority(URI uri) {
		String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
		int port = uri.getPort();
		if (port == -1) {
			port = "https".equals(scheme) ? 443 : 80;
		}
		return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
	}

	/**
	 * A route's provider and deadline.
	 *
	 * @param provider the provider id, or {@code null} when the route calls no provider
	 * @param deadline the route's deadline (its own, or its provider's timeout)
	 */
	public record Binding(String provider, Duration deadline) {
	}

}
