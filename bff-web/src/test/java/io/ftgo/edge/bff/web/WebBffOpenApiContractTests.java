package io.ftgo.edge.bff.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import io.ftgo.edge.stubs.EdgeTestEnvironment;
import io.ftgo.edge.stubs.FtgoProviders;
import io.ftgo.edge.stubs.Provider;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.ftgo.edge.stubs.junit.EdgeTest;
import io.ftgo.edge.stubs.junit.OpenApiContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static io.ftgo.edge.stubs.junit.OpenApiContract.bearer;
import static io.ftgo.edge.stubs.junit.OpenApiContract.none;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * bff-web's OpenAPI document against the real answers: every documented operation is sent
 * to the application (stub providers, dev identity provider) and each answer (status,
 * headers, body) is validated against the document served at {@code /v3/api-docs},
 * problem+json errors and RateLimit headers included. One test shows the check can fail.
 * <p>
 * Same configuration as {@link WebBffStrictnessIntegrationTests}: one application context
 * for both.
 */
@EdgeTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "edge.rate-limit.tiers.default.limit=1000000")
@AutoConfigureWebTestClient(timeout = "20s")
class WebBffOpenApiContractTests {

	static final EdgeTestEnvironment env = EdgeTestEnvironment.shared();

	static final DevIdentityProvider identity = env.identity();

	static final FtgoProviders providers = env.providers();

	/** "METHOD path status" of every validated answer. */
	static final Set<String> covered = new LinkedHashSet<>();

	@Autowired
	WebTestClient client;

	/** Sends one request and validates the real answer against the served document. */
	EntityExchangeResult<byte[]> validate(HttpMethod method, String path, String template,
			Consumer<HttpHeaders> headers, String body, int expectedStatus) {
		return new OpenApiContract(this.client, covered).validate(method, path, template, headers, body,
				expectedStatus);
	}

	@Test
	void orderPage_okNotFoundUnauthorizedForbidden() {
		String alice = identity.passwordGrant("alice", "password");
		String mobile = identity.clientCredentialsGrant("partner-ajanta", "ajanta-secret");
		String template = "/api/web/orders/{orderId}";
		validate(HttpMethod.GET, "/api/web/orders/7001", template, bearer(alice), null, 200);
		// degraded: the kitchen fails (7902), the page still answers, _meta says so
		validate(HttpMethod.GET, "/api/web/orders/7902", template, bearer(alice), null, 200);
		validate(HttpMethod.GET, "/api/web/orders/7002", template, bearer(alice), null, 404);
		validate(HttpMethod.GET, "/api/web/orders/7001", template, none(), null, 401);
		validate(HttpMethod.GET, "/api/web/orders/7001", template, bearer(mobile), null, 403);
	}

	@Test
	void orderPage_orderProviderDown_badGateway() {
		providers.stop(Provider.ORDER);
		validate(HttpMethod.GET, "/api/web/orders/7001", "/api/web/orders/{orderId}",
				bearer(identity.passwordGrant("alice", "password")), null, 502);
	}

	@Test
	void history_create_cancel_restaurants() {
		String alice = identity.passwordGrant("alice", "password");
		validate(HttpMethod.GET, "/api/web/orders", "/api/web/orders", bearer(alice), null, 200);
		validate(HttpMethod.GET, "/api/web/orders?size=0", "/api/web/orders", bearer(alice), null, 400);
		validate(HttpMethod.POST, "/api/web/orders", "/api/web/orders", bearer(alice), "{\"restaurantId\":501}", 200);
		validate(HttpMethod.POST, "/api/web/orders/7003/cancel", "/api/web/orders/{orderId}/cancel", bearer(alice),
				"{}", 200);
		validate(HttpMethod.POST, "/api/web/orders/7002/cancel", "/api/web/orders/{orderId}/cancel", bearer(alice),
				"{}", 404);
		validate(HttpMethod.GET, "/api/web/restaurants", "/api/web/restaurants", bearer(alice), null, 200);
		validate(HttpMethod.GET, "/api/web/restaurants/501", "/api/web/restaurants/{id}", bearer(alice), null, 200);
		validate(HttpMethod.GET, "/api/web/restaurants/501", "/api/web/restaurants/{id}", none(), null, 401);
	}

	@Test
	void graphql_postAndGet() {
		String alice = identity.passwordGrant("alice", "password");
		validate(HttpMethod.POST, "/graphql", "/graphql", bearer(alice),
				"{\"query\":\"{ order(orderId: 7001) { state } }\"}", 200);
		validate(HttpMethod.GET, "/graphql?query={order(orderId:7001){state}}", "/graphql", bearer(alice), null, 200);
		validate(HttpMethod.POST, "/graphql", "/graphql", none(), "{\"query\":\"{ order(orderId: 7001) { state } }\"}",
				401);
	}

	@Test
	void sessionEndpoints_existenceAndErrorShapes() {
		Consumer<HttpHeaders> csrf = (h) -> h.set("X-CSRF", "1");
		validate(HttpMethod.GET, "/bff/login?returnTo=/", "/bff/login", none(), null, 302);
		validate(HttpMethod.GET, "/bff/callback?state=unknown", "/bff/callback", none(), null, 400);
		validate(HttpMethod.GET, "/bff/user", "/bff/user", none(), null, 403);
		validate(HttpMethod.GET, "/bff/user", "/bff/user", csrf, null, 401);
		validate(HttpMethod.POST, "/bff/logout", "/bff/logout", csrf, "{}", 200);
		// a method the document does not list: 405 problem+json (the document cannot
		// describe an operation that does not exist)
		this.client.get()
			.uri("/bff/logout")
			.headers(csrf)
			.exchange()
			.expectStatus()
			.isEqualTo(405)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("method_not_allowed");
		validate(HttpMethod.POST, "/bff/backchannel-logout", "/bff/backchannel-logout", none(), null, 400);
	}

	@Test
	void aDocumentThatDisagreesWithTheCode_fails() throws IOException {
		// The served document with the history's page counter renamed: the real answer no
		// longer matches (a required property is missing, an unknown one is refused).
		String document = new ClassPathResource("api/openapi.json").getContentAsString(StandardCharsets.UTF_8)
			.replace("\"totalOrders\"", "\"total\"");
		EntityExchangeResult<byte[]> result = this.client.get()
			.uri("/api/web/orders")
			.headers(bearer(identity.passwordGrant("alice", "password")))
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(OpenApiContract.errors(document, "GET", "/api/web/orders", result)).isNotEmpty();
	}

	@AfterAll
	static void everyDocumentedOperationWasExercised() {
		for (String operation : List.of("GET /api/web/orders/{orderId} 200", "GET /api/web/orders 200",
				"POST /api/web/orders 200", "POST /api/web/orders/{orderId}/cancel 200", "GET /api/web/restaurants 200",
				"GET /api/web/restaurants/{id} 200", "POST /graphql 200", "GET /graphql 200", "GET /bff/login 302",
				"GET /bff/callback 400", "GET /bff/user 401", "POST /bff/logout 200",
				"POST /bff/backchannel-logout 400")) {
			assertThat(covered).contains(operation);
		}
	}

}
