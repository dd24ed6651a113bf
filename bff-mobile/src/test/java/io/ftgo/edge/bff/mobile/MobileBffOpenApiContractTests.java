package io.ftgo.edge.bff.mobile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import io.ftgo.edge.stubs.EdgeTestEnvironment;
import io.ftgo.edge.stubs.FtgoProviders;
import io.ftgo.edge.stubs.Provider;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.ftgo.edge.stubs.junit.EdgeTest;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bff-mobile's OpenAPI document against the real answers: every documented operation is
 * sent to the application (stub providers, dev identity provider) and each answer
 * (status, headers, body) is validated against the document served at
 * {@code /v3/api-docs}, problem+json errors and RateLimit headers included. One test
 * shows the check can fail.
 * <p>
 * Same configuration as {@link MobileBffStrictnessIntegrationTests}: one application
 * context for both.
 */
@EdgeTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "edge.rate-limit.tiers.default.limit=1000000")
@AutoConfigureWebTestClient(timeout = "20s")
class MobileBffOpenApiContractTests {

	static final EdgeTestEnvironment env = EdgeTestEnvironment.shared();

	static final DevIdentityProvider identity = env.identity();

	static final FtgoProviders providers = env.providers();

	/** "METHOD path status" of every validated answer. */
	static final Set<String> covered = new LinkedHashSet<>();

	@Autowired
	WebTestClient client;

	String document() {
		return new String(this.client.get()
			.uri("/v3/api-docs")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBodyContent(), StandardCharsets.UTF_8);
	}

	/** Sends one request and validates the real answer against the served document. */
	EntityExchangeResult<byte[]> validate(HttpMethod method, String path, String template,
			Consumer<HttpHeaders> headers, String body, int expectedStatus) {
		WebTestClient.RequestBodySpec request = this.client.method(method).uri((uri) -> {
			int at = path.indexOf('?');
			if (at < 0) {
				return uri.path(path).build();
			}
			// query values as URI variables, so that GraphQL's braces are encoded
			uri.path(path.substring(0, at));
			List<Object> values = new ArrayList<>();
			for (String pair : path.substring(at + 1).split("&")) {
				int eq = pair.indexOf('=');
				uri.queryParam(pair.substring(0, eq), "{v" + values.size() + "}");
				values.add(pair.substring(eq + 1));
			}
			return uri.build(values.toArray());
		}).headers(headers);
		if (body != null) {
			request.contentType(MediaType.APPLICATION_JSON).bodyValue(body);
		}
		EntityExchangeResult<byte[]> result = request.exchange().expectBody().returnResult();
		assertThat(result.getStatus().value()).as(method + " " + path).isEqualTo(expectedStatus);
		assertThat(errors(OpenApiInteractionValidator.createForInlineApiSpecification(document()).build(),
				method.name(), path, result))
			.as(method + " " + path + " -> " + expectedStatus + " against the document")
			.isEmpty();
		covered.add(method.name() + " " + template + " " + expectedStatus);
		return result;
	}

	static List<String> errors(OpenApiInteractionValidator validator, String method, String path,
			EntityExchangeResult<byte[]> result) {
		SimpleResponse.Builder response = SimpleResponse.Builder.status(result.getStatus().value());
		result.getResponseHeaders().forEach(response::withHeader);
		byte[] body = result.getResponseBodyContent();
		if (body != null && body.length > 0) {
			response.withBody(new String(body, StandardCharsets.UTF_8));
		}
		String pathOnly = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
		ValidationReport report = validator.validateResponse(pathOnly, Request.Method.valueOf(method),
				response.build());
		List<String> errors = new ArrayList<>();
		for (ValidationReport.Message message : report.getMessages()) {
			if (message.getLevel() == ValidationReport.Level.ERROR) {
				errors.add(message.getKey() + ": " + message.getMessage());
			}
		}
		return errors;
	}

	static Consumer<HttpHeaders> bearer(String token) {
		return (h) -> h.setBearerAuth(token);
	}

	static Consumer<HttpHeaders> none() {
		return (h) -> {
		};
	}

	@Test
	void orderStatus_okNotModifiedDegradedNotFoundUnauthorizedForbidden() {
		String alice = identity.passwordGrant("alice", "password");
		String partner = identity.clientCredentialsGrant("partner-ajanta", "ajanta-secret");
		String template = "/api/mobile/orders/{orderId}/status";
		EntityExchangeResult<byte[]> card = validate(HttpMethod.GET, "/api/mobile/orders/7001/status", template,
				bearer(alice), null, 200);
		String etag = card.getResponseHeaders().getETag();
		validate(HttpMethod.GET, "/api/mobile/orders/7001/status", template,
				bearer(alice).andThen((h) -> h.setIfNoneMatch(etag)), null, 304);
		validate(HttpMethod.GET, "/api/mobile/orders/7904/status", template, bearer(alice), null, 200);
		validate(HttpMethod.GET, "/api/mobile/orders/7002/status", template, bearer(alice), null, 404);
		validate(HttpMethod.GET, "/api/mobile/orders/7001/status", template, none(), null, 401);
		validate(HttpMethod.GET, "/api/mobile/orders/7001/status", template, bearer(partner), null, 403);
	}

	@Test
	void orderStatus_orderProviderDown_badGateway() {
		providers.stop(Provider.ORDER);
		validate(HttpMethod.GET, "/api/mobile/orders/7001/status", "/api/mobile/orders/{orderId}/status",
				bearer(identity.passwordGrant("alice", "password")), null, 502);
	}

	@Test
	void home_menu_createOrder() {
		String alice = identity.passwordGrant("alice", "password");
		validate(HttpMethod.GET, "/api/mobile/home", "/api/mobile/home", bearer(alice), null, 200);
		validate(HttpMethod.GET, "/api/mobile/home", "/api/mobile/home", none(), null, 401);
		validate(HttpMethod.GET, "/api/mobile/restaurants/501/menu", "/api/mobile/restaurants/{id}/menu", bearer(alice),
				null, 200);
		validate(HttpMethod.GET, "/api/mobile/restaurants/501/menu", "/api/mobile/restaurants/{id}/menu", none(), null,
				401);
		validate(HttpMethod.POST, "/api/mobile/orders", "/api/mobile/orders", bearer(alice), "{\"restaurantId\":501}",
				200);
		validate(HttpMethod.POST, "/api/mobile/orders", "/api/mobile/orders", none(), "{}", 401);
	}

	@Test
	void graphql_postAndGet() {
		String alice = identity.passwordGrant("alice", "password");
		validate(HttpMethod.POST, "/graphql", "/graphql", bearer(alice),
				"{\"query\":\"{ order(orderId: 7001) { state orderTotal } }\"}", 200);
		validate(HttpMethod.GET, "/graphql?query={order(orderId:7001){state}}", "/graphql", bearer(alice), null, 200);
		validate(HttpMethod.POST, "/graphql", "/graphql", none(), "{\"query\":\"{ order(orderId: 7001) { state } }\"}",
				401);
	}

	@Test
	void aDocumentThatDisagreesWithTheCode_fails() throws IOException {
		// The served document with one field of the card renamed: the real card no longer
		// matches (unknown properties are refused).
		String document = new ClassPathResource("api/openapi.json").getContentAsString(StandardCharsets.UTF_8)
			.replace("\"restaurant\": {", "\"restaurantName\": {");
		EntityExchangeResult<byte[]> result = this.client.get()
			.uri("/api/mobile/orders/7001/status")
			.headers(bearer(identity.passwordGrant("alice", "password")))
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(errors(OpenApiInteractionValidator.createForInlineApiSpecification(document).build(), "GET",
				"/api/mobile/orders/7001/status", result))
			.isNotEmpty();
	}

	@AfterAll
	static void everyDocumentedOperationWasExercised() {
		for (String operation : List.of("GET /api/mobile/orders/{orderId}/status", "GET /api/mobile/home",
				"GET /api/mobile/restaurants/{id}/menu", "POST /api/mobile/orders", "POST /graphql", "GET /graphql")) {
			assertThat(covered).anyMatch((c) -> c.equals(operation + " 200"));
		}
	}

}
