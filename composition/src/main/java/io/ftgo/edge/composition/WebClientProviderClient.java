package io.ftgo.edge.composition;

import java.net.URI;
import java.util.List;
import java.util.Map;

import io.ftgo.edge.composition.policy.CallFailure;
import io.ftgo.edge.composition.policy.Deadline;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The default {@link ProviderClient}: Spring's {@link WebClient}, bodies read as bytes
 * and parsed with the engine's {@link JsonMapper}. The body of an error status is
 * released unread.
 *
 * <p>
 * Each call carries the time its attempt has left ({@link Deadline#ofAttempt}), in whole
 * milliseconds, in a request header ({@value #DEFAULT_DEADLINE_HEADER} unless configured
 * otherwise), computed when the call is sent: never more than the attempt's timeout,
 * which is never more than what is left of the request's deadline. An attempt with less
 * than a millisecond left is not sent (it fails as a timeout).
 */
public final class WebClientProviderClient implements ProviderClient {

	private final WebClient webClient;

	private final JsonMapper mapper;

	private final String deadlineHeader;

	/** The default name of the deadline header. */
	public static final String DEFAULT_DEADLINE_HEADER = "X-Request-Deadline-Ms";

	/**
	 * Create the client, sending the deadline as {@value #DEFAULT_DEADLINE_HEADER}.
	 * @param webClient the client (its connection pool, filters and codecs apply)
	 * @param mapper parses answers and writes POST bodies
	 */
	public WebClientProviderClient(WebClient webClient, JsonMapper mapper) {
		this(webClient, mapper, DEFAULT_DEADLINE_HEADER);
	}

	/**
	 * Create the client.
	 * @param webClient the client (its connection pool, filters and codecs apply)
	 * @param mapper parses answers and writes POST bodies
	 * @param deadlineHeader the header that carries the time left, or {@code null} for
	 * none
	 */
	public WebClientProviderClient(WebClient webClient, JsonMapper mapper, String deadlineHeader) {
		this.webClient = webClient;
		this.mapper = mapper;
		this.deadlineHeader = deadlineHeader;
	}

	@Override
	public Mono<Response> exchange(Request request) {
		if (this.deadlineHeader == null) {
			return send(request, -1);
		}
		return Mono.deferContextual((context) -> {
			Deadline deadline = Deadline.ofAttempt(context);
			if (deadline == null) {
				return send(request, -1);
			}
			long left = deadline.remainingMillis();
			if (left < 1) {
				// Its deadline has passed: the call is not sent.
				return Mono.error(new CallFailure(FailureReason.TIMEOUT, 0));
			}
			return send(request, left);
		});
	}

	private Mono<Response> send(Request request, long deadlineMillis) {
		WebClient.RequestBodySpec spec = this.webClient.method(HttpMethod.valueOf(request.method()))
			.uri(URI.create(request.baseUrl() + request.path()));
		if (!request.headers().isEmpty()) {
			spec = spec.headers((h) -> request.headers().forEach(h::set));
		}
		if (deadlineMillis >= 0) {
			String value = Long.toString(deadlineMillis);
			spec = spec.headers((h) -> h.set(this.deadlineHeader, value));
		}
		WebClient.RequestHeadersSpec<?> call = (request.body() != null)
				? spec.contentType(MediaType.APPLICATION_JSON).bodyValue(this.mapper.writeValueAsBytes(request.body()))
				: spec;
		return call.exchangeToMono((response) -> {
			int status = response.statusCode().value();
			Map<String, List<String>> headers = response.headers().asHttpHeaders().asMultiValueMap();
			if (status >= 400) {
				return response.releaseBody().thenReturn(new Response(status, headers, null));
			}
			return response.bodyToMono(byte[].class)
				.map((bytes) -> new Response(status, headers, this.mapper.readTree(bytes)))
				.defaultIfEmpty(new Response(status, headers, null));
		});
	}

}
