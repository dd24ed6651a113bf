package io.ftgo.edge.gateway.composition;

import java.time.Duration;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import io.ftgo.edge.composition.Composition;
import io.ftgo.edge.composition.CompositionEngine;
import io.ftgo.edge.composition.CompositionException;
import io.ftgo.edge.composition.CompositionRequest;
import io.ftgo.edge.composition.CompositionResult;
import io.ftgo.edge.composition.PartMetadata;
import io.ftgo.edge.gateway.cache.Etags;
import io.ftgo.edge.gateway.support.PrincipalResolver;
import io.ftgo.edge.gateway.support.ProviderHeaders;
import io.ftgo.edge.security.EdgePrincipal;
import io.ftgo.edge.gateway.deadline.ClientDeadlines;
import io.ftgo.edge.security.IdentityPropagation;

/**
 * Serves one composed endpoint: request parameters (path variables and the first value of
 * each query parameter), the caller's principal and identity scope, and the headers to
 * propagate (the caller's bearer token and identity headers as configured, the trace
 * context) become a {@link CompositionRequest}; the result becomes JSON with
 * {@code Server-Timing}, a strong {@code ETag} ({@code If-None-Match} → 304) and the
 * per-part metadata where the endpoint wants it. Failures are
 * {@code CompositionException}s that the edge's error handler turns into problem+json.
 */
public class ComposedEndpointHandler implements HandlerFunction<ServerResponse> {

	/** Exchange attribute: the composition serving the request (for the access log). */
	public static final String COMPOSITION_ATTR = "io.ftgo.edge.composition";

	private static final java.util.regex.Pattern PLAIN_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]{1,64}");

	private final Composition composition;

	private final CompositionEngine engine;

	private final EdgeCompositionProperties.Endpoint endpoint;

	private final IdentityPropagation propagation;

	private final ProviderHeaders providerHeaders;

	private final JsonMapper json;

	private final ComposedResponseShaper shaper;

	private final ClientDeadlines clientDeadlines;

	/**
	 * A handler whose answers {@code shaper} reshapes ({@code null}: none).
	 */
	public ComposedEndpointHandler(Composition composition, CompositionEngine engine,
			EdgeCompositionProperties.Endpoint endpoint, IdentityPropagation propagation, JsonMapper json,
			ComposedResponseShaper shaper) {
		this(composition, engine, endpoint, propagation, json, shaper, null);
	}

	/**
	 * A handler whose answers {@code shaper} reshapes ({@code null}: none), honouring
	 * client deadlines ({@code null}: none read).
	 */
	public ComposedEndpointHandler(Composition composition, CompositionEngine engine,
			EdgeCompositionProperties.Endpoint endpoint, IdentityPropagation propagation, JsonMapper json,
			ComposedResponseShaper shaper, ClientDeadlines clientDeadlines) {
		this.clientDeadlines = clientDeadlines;
		this.shaper = shaper;
		this.composition = composition;
		this.engine = engine;
		this.endpoint = endpoint;
		this.propagation = propagation;
		this.providerHeaders = new ProviderHeaders(propagation);
		this.json = json;
	}

	@Override
	public Mono<ServerResponse> handle(ServerRequest request) {
		request.attributes().put(COMPOSITION_ATTR, this.composition.name());
		String refused = refusedQuery(request);
		if (refused != null) {
			return Mono.error(CompositionException.badRequest(this.composition.name(), refused));
		}
		Duration deadline = null;
		if (this.clientDeadlines != null) {
			try {
				// A client's shorter deadline (malformed: 400; expired: 504, no call
				// made).
				deadline = this.clientDeadlines.deadline(request.headers().asHttpHeaders(),
						this.composition.explain().deadline());
			}
			catch (ClientDeadlines.Refused refusedDeadline) {
				return Mono.error(refusedDeadline);
			}
		}
		Duration budget = deadline;
		return request.principal()
			.filter(Authentication.class::isInstance)
			.map((principal) -> compositionRequest(request, (Authentication) principal))
			.switchIfEmpty(Mono.fromSupplier(() -> compositionRequest(request, null)))
			.flatMap((input) -> this.engine.execute(this.composition, input, budget))
			.flatMap((result) -> respond(request, result))
			.doOnError(CompositionException.class, (error) -> retryAfter(request, error));
	}

	/**
	 * A required part refused by its provider's concurrency limit answers 503
	 * {@code overloaded} with the provider's {@code Retry-After}, as the BFF-wide limit
	 * does.
	 */
	private void retryAfter(ServerRequest request, CompositionException error) {
		if (error.reason() != io.ftgo.edge.composition.FailureReason.CONCURRENCY_LIMIT || error.provider() == null) {
			return;
		}
		io.ftgo.edge.composition.policy.ProviderPolicy policy = this.engine.policy(error.provider());
		if (policy != null && policy.concurrencyLimit() != null) {
			request.exchange()
				.getResponse()
				.getHeaders()
				.set(org.springframework.http.HttpHeaders.RETRY_AFTER,
						policy.concurrencyLimit().settings().retryAfterSeconds());
		}
	}

	/**
	 * Why the query is refused, or null: a parameter the request line does not list, or
	 * one given more than once. Their values are never read; the types of listed ones are
	 * checked by the engine.
	 */
	private String refusedQuery(ServerRequest request) {
		java.util.Set<String> listed = this.composition.explain().parameters().keySet();
		for (Map.Entry<String, java.util.List<String>> query : request.queryParams().entrySet()) {
			String name = query.getKey();
			if (!listed.contains(name) || request.pathVariables().containsKey(name)) {
				return (PLAIN_NAME.matcher(name).matches() ? "Unknown parameter '" + name + "'" : "Unknown parameter")
						+ " (expected only: " + queryNames(listed, request) + ")";
			}
			if (query.getValue().size() > 1) {
				return "Parameter '" + name + "' must be given at most once";
			}
		}
		return null;
	}

	private static java.util.List<String> queryNames(java.util.Set<String> listed, ServerRequest request) {
		return listed.stream().filter((name) -> !request.pathVariables().containsKey(name)).toList();
	}

	/**
	 * Builds the engine's input for {@code request}; visible for BFF handlers that
	 * post-process.
	 */
	public CompositionRequest compositionRequest(ServerRequest request, Authentication authentication) {
		Map<String, String> parameters = new HashMap<>();
		request.queryParams().forEach((name, values) -> {
			if (!values.isEmpty() && values.get(0) != null) {
				parameters.put(name, values.get(0));
			}
		});
		parameters.putAll(request.pathVariables());
		CompositionRequest input = CompositionRequest.of(parameters)
			.withHeaders(this.providerHeaders.forComposedCall(request.exchange(), authentication));
		EdgePrincipal principal = PrincipalResolver.principal(request.exchange(), authentication);
		if (principal == null) {
			return input;
		}
		Map<String, Object> attributes = new LinkedHashMap<>(principal.attributes());
		attributes.put("subject", principal.subject());
		attributes.put("scopes", principal.scopes());
		return input.withPrincipal(principal.identityScope(), attributes);
	}

	/**
	 * Serialises the content once; the ETag is computed from those bytes and
	 * {@code If-None-Match} checked right away, before anything else is built. For an
	 * endpoint with its metadata in the body, {@code _meta} is appended to the same bytes
	 * as the last member (so the content bytes sent are the ones hashed) and the ETag
	 * also covers each part's status and reason (hashed after the content, without a
	 * joined copy), never timings or ages, which change on every request and would defeat
	 * {@code If-None-Match}. The answer's bytes are allocated once more, with
	 * {@code _meta}, only when the metadata goes in the body.
	 */
	private Mono<ServerResponse> respond(ServerRequest request, CompositionResult composed) {
		CompositionResult result = (this.shaper != null)
				? new CompositionResult(this.shaper.shape(request, composed), composed.parts(), composed.complete())
				: composed;
		byte[] content = this.json.writeValueAsBytes(result.body());
		boolean metaInBody = this.endpoint.metadata() == EdgeCompositionProperties.Metadata.BODY;
		String etag = Etags.of(content, metaInBody ? statuses(result) : null);
		if (Etags.notModified(request.exchange().getRequest(), etag)) {
			return ServerResponse.status(HttpStatus.NOT_MODIFIED)
				.eTag(etag)
				.header("Server-Timing", result.serverTiming())
				.build();
		}
		ServerResponse.BodyBuilder response = ServerResponse.ok()
			.contentType(MediaType.APPLICATION_JSON)
			.header("Server-Timing", result.serverTiming())
			.header(HttpHeaders.CACHE_CONTROL, this.endpoint.cacheControl())
			.eTag(etag);
		if (this.endpoint.metadata() == EdgeCompositionProperties.Metadata.HEADERS) {
			metadataHeaders(response, result);
		}
		return response.bodyValue(metaInBody ? withMeta(content, result) : content);
	}

	/** Each part's status and reason, which the ETag covers after the content. */
	private static byte[] statuses(CompositionResult result) {
		StringBuilder statuses = new StringBuilder();
		result.parts()
			.forEach((name, part) -> statuses.append(name)
				.append('=')
				.append(part.status().label())
				.append(',')
				.append((part.reason() != null) ? part.reason().label() : "")
				.append(';'));
		return statuses.toString().getBytes(StandardCharsets.UTF_8);
	}

	/** The serialised object with {@code "_meta": {...}} appended as its last member. */
	private byte[] withMeta(byte[] content, CompositionResult result) {
		ObjectNode meta = this.json.createObjectNode();
		meta.put("complete", result.complete());
		ObjectNode parts = meta.putObject("parts");
		result.parts().forEach((name, part) -> {
			ObjectNode node = parts.putObject(name);
			node.put("status", part.status().label());
			if (part.reason() != null) {
				node.put("reason", part.reason().label());
			}
			if (part.httpStatus() != null) {
				node.put("httpStatus", part.httpStatus());
			}
			if (part.age() != null) {
				node.put("ageSeconds", part.age().toSeconds());
			}
			if (part.duration() != null) {
				node.put("durationMs", part.duration().toMillis());
			}
			if (part.hedged()) {
				node.put("hedged", true);
			}
			if (part.retryRefused()) {
				node.put("retryRefused", true);
			}
		});
		byte[] metaBytes = this.json.writeValueAsBytes(meta);
		int close = content.length - 1;
		while (close > 0 && content[close] != '}') {
			close--;
		}
		boolean empty = true;
		for (int i = 1; i < close && empty; i++) {
			empty = Character.isWhitespace(content[i]);
		}
		byte[] member = (empty ? "\"_meta\":" : ",\"_meta\":").getBytes(StandardCharsets.UTF_8);
		byte[] out = new byte[close + member.length + metaBytes.length + 1];
		System.arraycopy(content, 0, out, 0, close);
		System.arraycopy(member, 0, out, close, member.length);
		System.arraycopy(metaBytes, 0, out, close + member.length, metaBytes.length);
		out[out.length - 1] = '}';
		return out;
	}

	private static void metadataHeaders(ServerResponse.BodyBuilder response, CompositionResult result) {
		response.header("X-Composition-Complete", Boolean.toString(result.complete()));
		StringJoiner degraded = new StringJoiner(", ");
		result.parts().forEach((name, part) -> {
			if (part.degraded()) {
				degraded.add(describe(name, part));
			}
		});
		if (degraded.length() > 0) {
			response.header("X-Degraded-Parts", degraded.toString());
		}
	}

	private static String describe(String name, PartMetadata part) {
		StringBuilder text = new StringBuilder(name).append(";status=").append(part.status().label());
		if (part.reason() != null) {
			text.append(";reason=").append(part.reason().label());
		}
		if (part.age() != null) {
			text.append(";age=").append(part.age().toSeconds());
		}
		return text.toString();
	}

}
