package io.ftgo.edge.bff.web;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

import io.ftgo.edge.stubs.EmbeddedRedis;
import io.ftgo.edge.stubs.EdgeTestEnvironment;
import io.ftgo.edge.stubs.FtgoProviders;
import io.ftgo.edge.stubs.Provider;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static io.ftgo.edge.bff.web.WebBffSessionTests.assertProblem;
import static io.ftgo.edge.bff.web.WebBffSessionTests.claims;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two bff-web instances (two replicas) sharing browser sessions through one real
 * redis-server process (embedded-redis): a session made on one is used, refreshed and
 * ended on the other. Replica B refreshes the access token on every request
 * ({@code refresh-before} longer than the token's hour), so the refreshed token written
 * by B is the one A then relays. Redis is stopped last: session requests get 503, bearer
 * requests do not notice.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebBffRedisSessionTests {

	static EmbeddedRedis redis;

	static EdgeTestEnvironment env;

	static DevIdentityProvider identity;

	static FtgoProviders providers;

	static ConfigurableApplicationContext replicaA;

	static ConfigurableApplicationContext replicaB;

	SessionBrowser onA;

	SessionBrowser onB;

	@BeforeAll
	static void start() {
		redis = EmbeddedRedis.start();
		env = EdgeTestEnvironment.shared();
		identity = env.identity();
		providers = env.providers();
		replicaA = replica(Map.of());
		replicaB = replica(Map.of("edge.session.refresh-before", "2h"));
	}

	static ConfigurableApplicationContext replica(Map<String, Object> extra) {
		Map<String, Object> properties = new HashMap<>(env.properties());
		properties.put("server.port", 0);
		properties.put("management.server.port", EdgeTestEnvironment.freePort());
		properties.put("edge.session.redis.enabled", true);
		properties.put("edge.rate-limit.tiers.anonymous.limit", 10000);
		properties.put("spring.data.redis.host", "127.0.0.1");
		properties.put("spring.data.redis.port", redis.port());
		properties.putAll(extra);
		// As arguments: they outrank application.yaml (default properties would not).
		return new SpringApplicationBuilder(WebBffApplication.class).web(WebApplicationType.REACTIVE)
			.run(properties.entrySet()
				.stream()
				.map((e) -> "--" + e.getKey() + "=" + e.getValue())
				.toArray(String[]::new));
	}

	@AfterAll
	static void stop() {
		for (ConfigurableApplicationContext replica : new ConfigurableApplicationContext[] { replicaA, replicaB }) {
			if (replica != null) {
				replica.close();
			}
		}
		if (redis != null) {
			redis.close();
		}
	}

	@BeforeEach
	void reset() {
		providers.reset();
		this.onA = new SessionBrowser(port(replicaA));
		this.onB = new SessionBrowser(port(replicaB));
	}

	static int port(ConfigurableApplicationContext replica) {
		return ((WebServerApplicationContext) replica).getWebServer().getPort();
	}

	@Test
	void aSessionMadeOnOneReplica_isUsedOnTheOther_andItsRefreshedTokenIsShared() {
		SessionBrowser.Login login = this.onA.login("alice");
		int refreshes = identity.refreshGrants();

		HttpResponse<String> onA = this.onA.send(this.onA.get("/api/web/orders/7001", login.session(), "1"));
		assertThat(onA.statusCode()).isEqualTo(200);
		assertThat(identity.refreshGrants()).isEqualTo(refreshes);
		String loginToken = providers.requests(Provider.ORDER).get(0).getHeader("Authorization");

		HttpResponse<String> user = this.onB.send(this.onB.get("/bff/user", login.session(), "1"));
		assertThat(user.statusCode()).isEqualTo(200);
		assertThat(user.body()).contains("\"username\":\"alice\"");
		assertThat(identity.refreshGrants()).isEqualTo(refreshes + 1);

		providers.reset();
		HttpResponse<String> againOnA = this.onA.send(this.onA.get("/api/web/orders/7001", login.session(), "1"));
		assertThat(againOnA.statusCode()).isEqualTo(200);
		String relayed = providers.requests(Provider.ORDER).get(0).getHeader("Authorization");
		assertThat(relayed).isNotEqualTo(loginToken);
		assertThat(claims(relayed.substring(7)).get("jti")).isNotEqualTo(claims(loginToken.substring(7)).get("jti"));
		assertThat(identity.refreshGrants()).isEqualTo(refreshes + 1);
	}

	@Test
	void logoutOnOneReplica_endsTheSessionOnBoth() {
		SessionBrowser.Login login = this.onA.login("dave");
		assertThat(this.onB.send(this.onB.get("/bff/user", login.session(), "1")).statusCode()).isEqualTo(200);

		HttpResponse<String> logout = this.onB
			.send(this.onB.post("/bff/logout", login.session(), Map.of("X-CSRF", "1")));
		assertThat(logout.statusCode()).isEqualTo(200);

		assertProblem(this.onA.send(this.onA.get("/bff/user", login.session(), "1")), 401, "no_session");
		assertProblem(this.onB.send(this.onB.get("/bff/user", login.session(), "1")), 401, "no_session");
	}

	@Test
	@Order(Integer.MAX_VALUE)
	void redisDown_sessionRequests503Problem_bearerRequestsUnaffected_andBackWithRedis() {
		SessionBrowser.Login login = this.onA.login("alice");
		redis.stopServer();
		try {
			assertProblem(this.onA.send(this.onA.get("/api/web/orders/7001", login.session(), "1")), 503,
					"session_store_unavailable");
			assertProblem(this.onB.send(this.onB.get("/bff/user", login.session(), "1")), 503,
					"session_store_unavailable");
			assertThat(providers.requestCount(Provider.ORDER)).isZero();
			HttpResponse<String> bearer = this.onA.send(this.onA.get("/api/web/orders/7001", null, null)
				.header("Authorization", "Bearer " + identity.passwordGrant("alice", "password")));
			assertThat(bearer.statusCode()).isEqualTo(200);
		}
		finally {
			redis.startServer();
		}
	}

	@Test
	void backChannelLogoutToOneReplica_endsTheSessionOnBoth() {
		SessionBrowser.Login login = this.onB.login("carol");
		assertThat(this.onA.send(this.onA.get("/bff/user", login.session(), "1")).statusCode()).isEqualTo(200);

		// The identity provider tells the replica the login went through (B) only.
		assertThat(identity.endSessionsOf("carol")).isEqualTo(1);

		assertProblem(this.onA.send(this.onA.get("/bff/user", login.session(), "1")), 401, "no_session");
		assertProblem(this.onB.send(this.onB.get("/bff/user", login.session(), "1")), 401, "no_session");
	}

}
