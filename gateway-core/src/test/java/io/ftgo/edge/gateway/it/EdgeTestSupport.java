package io.ftgo.edge.gateway.it;

import java.util.function.UnaryOperator;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The set-up the {@link EdgeTestApplication} integration tests share: WireMock providers
 * on loopback, the dev identity provider as the token issuer, and Gateway routes from
 * properties.
 */
public final class EdgeTestSupport {

	private EdgeTestSupport() {
	}

	/**
	 * A started WireMock server on a free loopback port.
	 * @param tuning the server's further options (threads, asynchronous answers)
	 * @return the server
	 */
	public static WireMockServer wireMock(UnaryOperator<WireMockConfiguration> tuning) {
		WireMockServer server = new WireMockServer(
				tuning.apply(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")));
		server.start();
		return server;
	}

	/**
	 * Tokens from {@code identity} (audience {@code ftgo-edge}), and {@code path} open to
	 * anyone (security rule 0).
	 * @param registry the test's properties
	 * @param identity the token issuer
	 * @param path the path pattern everyone may call
	 */
	public static void permitAll(DynamicPropertyRegistry registry, DevIdentityProvider identity, String path) {
		registry.add("edge.security.jwt.issuer-uri", identity::issuer);
		registry.add("edge.security.jwt.audiences[0]", () -> "ftgo-edge");
		registry.add("edge.security.rules[0].path", () -> path);
		registry.add("edge.security.rules[0].permit-all", () -> "true");
	}

	/**
	 * A Gateway route.
	 * @param registry the test's properties
	 * @param index the route's index
	 * @param id the route's id
	 * @param uri where it goes
	 * @param predicate its predicate
	 * @param filter its filter (none if null)
	 * @return the route's property prefix (for metadata)
	 */
	public static String route(DynamicPropertyRegistry registry, int index, String id, String uri, String predicate,
			String filter) {
		String route = "spring.cloud.gateway.server.webflux.routes[" + index + "].";
		registry.add(route + "id", () -> id);
		registry.add(route + "uri", () -> uri);
		registry.add(route + "predicates[0]", () -> predicate);
		if (filter != null) {
			registry.add(route + "filters[0]", () -> filter);
		}
		return route;
	}

	/**
	 * Stops the servers and the identity provider.
	 * @param identity the identity provider
	 * @param servers the WireMock servers
	 */
	public static void stop(DevIdentityProvider identity, WireMockServer... servers) {
		for (WireMockServer server : servers) {
			server.stop();
		}
		identity.close();
	}

}
