package io.ftgo.edge.gateway.transcoding;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ResponseStatusException;

import io.ftgo.edge.composition.CompositionEngine;
import io.ftgo.edge.composition.CompositionException;
import io.ftgo.edge.composition.CompositionRequest;
import io.ftgo.edge.composition.FailureReason;
import io.ftgo.edge.composition.ProviderCalls;
import io.ftgo.edge.gateway.support.PrincipalResolver;
import io.ftgo.edge.gateway.support.ProviderHeaders;
import io.ftgo.edge.security.EdgePrincipal;

/**
 * Serves one transcoded route: the path variables, the caller's verified principal and
 * the JSON body become the request message of a gRPC method, called through the
 * provider's policy (the route's deadline, the provider's breaker and bulkhead, retries
 * only when idempotent and only on {@code UNAVAILABLE}); the answer is the message as
 * JSON, ids as numbers. Failures answer as a proxied route's would: the provider's 4xx
 * (the gRPC status's, by the table) keeps its status, any 5xx becomes 502, a timeout 504,
 * an open breaker or a full bulkhead 503, always the edge's problem+json.
 */
public class TranscodedRouteHandler implements HandlerFunction<ServerResponse> {

	/**
	 * Exchange attribute: the transcoded route serving the request (for the access log).
	 */
	public static final String ROUTE_ATTR = "io.ftgo.edge.transcoding.route";

	private static final Pattern REFERENCE = Pattern.compile("\\{([^}]+)}");

	private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

	private final String id;

	private final String provider;

	private final String target;

	private final boolean body;

	private final boolean idempotent;

	private final HttpStatus status;

	private final Duration timeout;

	private final CompositionEngine engine;

	private final ProviderHeaders headers;

	private final JsonMapper json;

	TranscodedRouteHandler(String id, String provider, String target, boolean body, boolean idempotent,
			HttpStatus status, Duration timeout, CompositionEngine engine, ProviderHeaders headers, JsonMapper json) {
		this.id = id;
		this.provider = provider;
		this.target = target;
		this.body = body;
		this.idempotent = idempotent;
		this.status = status;
		this.timeout = timeout;
		this.engine = engine;
		this.headers = headers;
		this.json = json;
	}

	@Override
	public Mono<ServerResponse> handle(ServerRequest request) {
		request.attributes().put(ROUTE_ATTR, this.id);
		if (!request.queryParams().isEmpty()) {
			// Strict like every endpoint: a transcoded route takes no query parameters.
			String name = request.queryParams().keySet().iterator().next();
			return Mono.error(CompositionException.badRequest(this.id,
					(PLAIN_NAME.matcher(name).matches() ? "Unknown parameter '" + name + "'" : "Unknown parameter")
							+ " (expected: none)"));
		}
		Mono<JsonNode> message = this.body
				? request.bodyToMono(byte[].class)
					.map(this::object)
					.switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.BAD_REQUEST)))
				: Mono.just(tools.jackson.databind.node.JsonNodeFactory.instance.objectNode());
		return request.principal()
			.filter(Authentication.class::isInstance)
			.map((principal) -> (Authentication) principal)
			.map(java.util.Optional::of)
			.defaultIfEmpty(java.util.Optional.empty())
			.flatMap((authentication) -> message
				.flatMap((value) -> call(request, authentication.orElse(null), (ObjectNode) value)))
			.flatMap((answer) -> ServerResponse.status(this.status)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(this.json.writeValueAsBytes(answer)));
	}

	private JsonNode object(byte[] bytes) {
		try {
			JsonNode value = this.json.readTree(bytes);
			if (value instanceof ObjectNode) {
				return value;
			}
		}
		catch (JacksonException ex) {
			// below
		}
		throw new ResponseStatusException(HttpStatus.BAD_REQUEST);
	}

	private Mono<JsonNode> call(ServerRequest request, Authentication authentication, ObjectNode value) {
		EdgePrincipal principal = PrincipalResolver.principal(request.exchange(), authentication);
		String path = expand(request, principal);
		if (path == null) {
			return Mono.error(new ResponseStatusException(HttpStatus.FORBIDDEN));
		}
		CompositionRequest input = CompositionRequest.of(new HashMap<>(request.pathVariables()))
			.withHeaders(this.headers.forComposedCall(request.exchange(), authentication));
		if (principal != null) {
			Map<String, Object> attributes = new LinkedHashMap<>(principal.attributes());
			attributes.put("subject", principal.subject());
			input = input.withPrincipal(principal.identityScope(), attributes);
		}
		ProviderCalls calls = this.engine.calls(input, this.timeout, 0);
		Mono<ProviderCalls.Outcome> outcome = this.idempotent ? calls.get(this.provider, path, true, null)
				: calls.post(this.provider, path, value);
		return outcome.map(ProviderCalls.Outcome::value).onErrorMap(CompositionException.class, this::status);
	}

	/**
	 * The call's path: the method and its bound fields, values from path variables and
	 * the principal; {@code null} when the principal lacks one.
	 */
	private String expand(ServerRequest request, EdgePrincipal principal) {
		Matcher matcher = REFERENCE.matcher(this.target);
		StringBuilder out = new StringBuilder();
		while (matcher.find()) {
			String reference = matcher.group(1).trim();
			Object value;
			if (reference.startsWith("principal.")) {
				String name = reference.substring("principal.".length());
				value = (principal == null) ? null
						: name.equals("subject") ? principal.subject() : principal.attributes().get(name);
			}
			else {
				value = request.pathVariables().get(reference);
			}
			if (value == null || value instanceof Map || value instanceof java.util.Collection) {
				return null;
			}
			matcher.appendReplacement(out, Matcher.quoteReplacement(
					URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8).replace("+", "%20")));
		}
		matcher.appendTail(out);
		return out.toString();
	}

	/** As a proxied route answers: 4xx kept, 5xx 502, timeout 504, refused 503. */
	private ResponseStatusException status(CompositionException failure) {
		FailureReason reason = failure.reason();
		HttpStatus status;
		if (reason == FailureReason.HTTP_STATUS && failure.providerStatus() >= 400 && failure.providerStatus() < 500) {
			status = HttpStatus.valueOf(failure.providerStatus());
		}
		else if (reason == FailureReason.TIMEOUT) {
			status = HttpStatus.GATEWAY_TIMEOUT;
		}
		else if (reason == FailureReason.CIRCUIT_OPEN || reason == FailureReason.BULKHEAD_FULL) {
			status = HttpStatus.SERVICE_UNAVAILABLE;
		}
		else {
			status = HttpStatus.BAD_GATEWAY;
		}
		return new ResponseStatusException(status);
	}

}
