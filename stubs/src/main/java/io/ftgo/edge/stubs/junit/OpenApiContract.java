package io.ftgo.edge.stubs.junit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A BFF's OpenAPI document against its real answers, for the contract tests of every BFF:
 * sends a request to the running application and validates the answer (status, headers,
 * body) against the document the application serves at {@code /v3/api-docs}
 * (swagger-request-validator). Each validated answer is recorded as
 * {@code "METHOD template status"} in {@code covered}, so a test class can check at the
 * end that every documented operation was exercised.
 */
public final class OpenApiContract {

	private final WebTestClient client;

	private final Set<String> covered;

	/**
	 * @param client the application's client
	 * @param covered where validated operations are recorded (shared by a test class)
	 */
	public OpenApiContract(WebTestClient client, Set<String> covered) {
		this.client = client;
		this.covered = covered;
	}

	/** The document the application serves. */
	public String servedDocument() {
		return new String(this.client.get()
			.uri("/v3/api-docs")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBodyContent(), StandardCharsets.UTF_8);
	}

	/**
	 * Sends one request and validates the real answer against the served document.
	 * @param method the method
	 * @param path the path, with an optional query (its values are encoded)
	 * @param template the documented path template, for {@code covered}
	 * @param headers request headers
	 * @param body a JSON body, or null
	 * @param expectedStatus the status the answer must have
	 * @return the answer
	 */
	public EntityExchangeResult<byte[]> validate(HttpMethod method, String path, String template,
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
		if (result.getStatus().value() != expectedStatus) {
			throw new AssertionError(
					method + " " + path + ": expected " + expectedStatus + " but was " + result.getStatus().value());
		}
		List<String> errors = errors(servedDocument(), method.name(), path, result);
		if (!errors.isEmpty()) {
			throw new AssertionError(
					method + " " + path + " -> " + expectedStatus + " against the document: " + errors);
		}
		this.covered.add(method.name() + " " + template + " " + expectedStatus);
		return result;
	}

	/**
	 * The errors of one answer against {@code document}.
	 * @param document the OpenAPI document (JSON)
	 * @param method the request's method
	 * @param path the request's path (a query is ignored)
	 * @param result the answer
	 * @return the validator's error messages, empty when the answer conforms
	 */
	public static List<String> errors(String document, String method, String path,
			EntityExchangeResult<byte[]> result) {
		OpenApiInteractionValidator validator = OpenApiInteractionValidator.createForInlineApiSpecification(document)
			.build();
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

	/** Headers with a bearer token. */
	public static Consumer<HttpHeaders> bearer(String token) {
		return (h) -> h.setBearerAuth(token);
	}

	/** No extra headers. */
	public static Consumer<HttpHeaders> none() {
		return (h) -> {
		};
	}

}
