package io.ftgo.edge.composition;

import java.util.List;
import java.util.Map;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The transport of HTTP parts and of {@link ProviderCalls}: one call in, one answer out.
 * The engine wraps each call in the provider's policy (deadline, breaker, bulkhead,
 * retries), collapsing and fallbacks; an implementation only makes the one attempt. The
 * default is {@link WebClientProviderClient}; another transport (or a hedging one that
 * wraps it) plugs in with {@link CompositionEngine.Builder#providerClient}.
 *
 * <p>
 * An answer with a status of 400 or more is a failure of that status
 * ({@code http-status}); an answer without a body is {@code bad-payload}; an I/O error is
 * {@code connect}. Nothing may block.
 */
@FunctionalInterface
public interface ProviderClient {

	/**
	 * The Reactor context key under which each attempt finds its time budget (a
	 * {@link java.time.Duration}: the smaller of the provider's timeout and what is left
	 * of the request deadline). The gRPC transport sends it as the call's deadline.
	 */
	String ATTEMPT_TIMEOUT = "edge.provider.attempt-timeout";

	/**
	 * Makes one attempt.
	 * @param request the call
	 * @return the answer; errors for I/O failures
	 */
	Mono<Response> exchange(Request request);

	/**
	 * One call to a provider.
	 *
	 * @param provider the provider id
	 * @param baseUrl the provider's base URL
	 * @param method {@code GET} or {@code POST}
	 * @param path the expanded path and query, e.g. {@code /orders/7001}
	 * @param headers the headers to send
	 * @param body the JSON body of a POST, or {@code null}
	 */
	record Request(String provider, String baseUrl, String method, String path, Map<String, String> headers,
			JsonNode body) {
	}

	/**
	 * A provider's answer.
	 *
	 * @param status the HTTP status
	 * @param headers the response headers
	 * @param body the parsed JSON body, or {@code null} when there was none (or the
	 * status is an error, whose body is not read)
	 */
	record Response(int status, Map<String, List<String>> headers, JsonNode body) {
	}

}
