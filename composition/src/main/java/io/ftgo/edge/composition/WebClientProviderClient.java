package io.ftgo.edge.composition;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The default {@link ProviderClient}: Spring's {@link WebClient}, bodies read as bytes
 * and parsed with the engine's {@link JsonMapper}. The body of an error status is
 * released unread.
 */
public final class WebClientProviderClient implements ProviderClient {

	private final WebClient webClient;

	private final JsonMapper mapper;

	/**
	 * Create the client.
	 * @param webClient the client (its connection pool, filters and codecs apply)
	 * @param mapper parses answers and writes POST bodies
	 */
	public WebClientProviderClient(WebClient webClient, JsonMapper mapper) {
		this.webClient = webClient;
		this.mapper = mapper;
	}

	@Override
	public Mono<Response> exchange(Request request) {
		WebClient.RequestBodySpec spec = this.webClient.method(HttpMethod.valueOf(request.method()))
			.uri(URI.create(request.baseUrl() + request.path()));
		if (!request.headers().isEmpty()) {
			spec = spec.headers((h) -> request.headers().forEach(h::set));
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
