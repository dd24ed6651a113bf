package io.ftgo.edge.bff.partner;

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
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The partner API's OpenAPI document against the real answers: every documented operation
 * is sent to the application (stub providers, dev identity provider), and each answer
 * (status, headers, body) is validated against the document the application serves at
 * {@code /v3/api-docs}. A status the document does not list, a missing or mistyped field,
 * a wrong content type: the test fails. The last test shows the check can fail.
 * <p>
 * Same configuration as {@link PublicBffStrictnessIntegrationTests}: one application
 * context for both.
 */
@EdgeTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "edge.rate-limit.tiers.standard.limit=1000000")
@AutoConfigureWebTestClient(timeout = "20s")
class PublicBffOpenApiContractTests {

	static final String AJANTA_KEY = "demo-ajanta-key";

	static final EdgeTestEnvironment env = EdgeTestEnvironment.shared();

	static final DevIdentityProvider identity = env.identity();

	static final FtgoProviders providers = env.providers();

	/** "METHOD path-template status" of every validated answer. */
	static final Set<String> covered = new LinkedHashSet<>();

	@Autowired
	WebTestClient client;

	/** Validates one real answer against the document the application serves. */
	void validate(String method, String path, Consumer<HttpHeaders> headers, int expectedStatus) {
		String document = new String(this.client.get()
			.uri("/v3/api-docs")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBodyContent(), StandardCharsets.UTF_8);
		EntityExchangeResult<byte[]> result = this.client.method(org.springframework.http.HttpMethod.valueOf(method))
			.uri(path)
			.headers(headers)
			.exchange()
			.expectBody()
			.returnResult();
		assertThat(result.getStatus().value()).as(method + " " + path).isEqualTo(expectedStatus);
		List<String> errors = errors(OpenApiInteractionValidator.createForInlineApiSpecification(document).build(),
				method, path, result);
		assertThat(errors).as(method + " " + path + " -> " + expectedStatus + " against the document").isEmpty();
		covered.add(method + " " + templateOf(path) + " " + expectedStatus);
	}

	static List<String> errors(OpenApiInteractionValidator validator, String method, String path,
			EntityExchangeResult<byte[]> result) {
		SimpleResponse.Builder response = SimpleResponse.Builder.status(result.getStatus().value());
		result.getResponseHeaders().forEach((name, values) -> response.withHeader(name, values));
		byte[] body = result.getResponseBodyContent();
		if (body != null && body.length > 0) {
			response.withBody(new String(body, StandardCharsets.UTF_8));
		}
		ValidationReport report = validator.validateResponse(path, Request.Method.valueOf(method), response.build());
		List<String> errors = new ArrayList<>();
		for (ValidationReport.Message message : report.getMessages()) {
			if (message.getLevel() == ValidationReport.Level.ERROR) {
				errors.add(message.getKey() + ": " + message.getMessage());
			}
		}
		return errors;
	}

	static String templateOf(String path) {
		return path.replaceFirst("^/(v[12])/orders/[^/?]+", "/$1/orders/{orderId}")
			.replaceFirst("^/(v[12])/restaurants/[^/]+/menu", "/$1/restaurants/{id}/menu");
	}

	static Consumer<HttpHeaders> key(String key) {
		return (h) -> h.set("X-API-Key", key);
	}

	static Consumer<HttpHeaders> none() {
		return (h) -> {
		};
	}

	@Test
	void orders_everyVersion_okNotFoundUnauthorizedForbiddenBadGateway() {
		String user = identity.passwordGrant("alice", "password");
		String partner = identity.clientCredentialsGrant("partner-ajanta", "ajanta-secret");
		for (String version : List.of("v1", "v2")) {
			validate("GET", "/" + version + "/orders/7001", key(AJANTA_KEY), 200);
			validate("GET", "/" + version + "/orders/7012", (h) -> h.setBearerAuth(partner), 200);
			// the kitchen fails (7902): still 200, the ticket left out and said so in
			// _meta
			validate("GET", "/" + version + "/orders/7902", key("demo-eggshop-key"), 200);
			validate("GET", "/" + version + "/orders/7002", key(AJANTA_KEY), 404);
			validate("GET", "/" + version + "/orders/9999", key(AJANTA_KEY), 404);
			validate("GET", "/" + version + "/orders/7001", none(), 401);
			validate("GET", "/" + version + "/orders/7001", key("no-such-key"), 401);
			validate("GET", "/" + version + "/orders/7001", (h) -> h.setBearerAuth(user), 403);
		}
		validate("GET", "/v1/orders/7001",
				key(AJANTA_KEY).andThen((h) -> h.set("Accept", "application/vnd.ftgo.v2+json")), 200);
	}

	@Test
	void orders_providerDown_badGateway() {
		providers.stop(Provider.ORDER);
		validate("GET", "/v1/orders/7001", key(AJANTA_KEY), 502);
		validate("GET", "/v2/orders/7001", key(AJANTA_KEY), 502);
	}

	@Test
	void menus_everyVersion_okUnauthorizedForbidden() {
		String user = identity.passwordGrant("alice", "password");
		for (String version : List.of("v1", "v2")) {
			validate("GET", "/" + version + "/restaurants/501/menu", key(AJANTA_KEY), 200);
			validate("GET", "/" + version + "/restaurants/501/menu", none(), 401);
			validate("GET", "/" + version + "/restaurants/501/menu", (h) -> h.setBearerAuth(user), 403);
		}
	}

	@Test
	void menus_providerDown_badGateway() {
		providers.stop(Provider.RESTAURANT);
		validate("GET", "/v2/restaurants/502/menu", key(AJANTA_KEY), 502);
	}

	@Test
	void aDocumentThatDisagreesWithTheCode_fails() throws IOException {
		// The served document with one field renamed: the real answer no longer matches.
		String document = new ClassPathResource("api/openapi.json").getContentAsString(StandardCharsets.UTF_8)
			.replace("\"lineItems\"", "\"items\"")
			.replaceFirst("\"type\": \"object\",", "\"type\": \"object\", \"additionalProperties\": false,");
		EntityExchangeResult<byte[]> result = this.client.get()
			.uri("/v2/orders/7001")
			.header("X-API-Key", AJANTA_KEY)
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(errors(OpenApiInteractionValidator.createForInlineApiSpecification(document).build(), "GET",
				"/v2/orders/7001", result))
			.isNotEmpty();
	}

	@AfterAll
	static void everyDocumentedOperationWasExercised() throws IOException {
		String document = new ClassPathResource("api/openapi.json").getContentAsString(StandardCharsets.UTF_8);
		for (String operation : List.of("/v1/orders/{orderId}", "/v2/orders/{orderId}", "/v1/restaurants/{id}/menu",
				"/v2/restaurants/{id}/menu")) {
			assertThat(document).contains("\"" + operation + "\"");
			assertThat(covered).anyMatch((c) -> c.equals("GET " + operation + " 200"));
		}
	}

}
