package io.ftgo.edge.bff.partner;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import io.ftgo.edge.gateway.pipeline.EdgeChainLink;
import io.ftgo.edge.gateway.pipeline.EdgeLinkType;
import io.ftgo.edge.gateway.pipeline.PathOverlap;

/**
 * API versions of the partner API, before authentication so that scope rules, the cache
 * and the routes see the version that answers:
 * <ul>
 * <li>{@code GET /v1/...} with {@code Accept: application/vnd.ftgo.v2+json} is served by
 * {@code /v2/...} (versioning by media type), and answers with that media type;</li>
 * <li>every v1 answer carries {@code Deprecation} (RFC 9745), {@code Sunset} (RFC 8594)
 * and {@code Link: </v2/...>; rel="successor-version"}.</li>
 * </ul>
 */
@Component
class ApiVersionWebFilter implements EdgeChainLink {

	/** The v2 media type. */
	static final MediaType V2 = MediaType.parseMediaType("application/vnd.ftgo.v2+json");

	private final String deprecation;

	private final String sunset;

	ApiVersionWebFilter(@Value("${public-api.v1.deprecated-at}") Instant deprecatedAt,
			@Value("${public-api.v1.sunset-at}") Instant sunsetAt) {
		this.deprecation = "@" + deprecatedAt.getEpochSecond();
		this.sunset = DateTimeFormatter.RFC_1123_DATE_TIME.format(sunsetAt.atOffset(ZoneOffset.UTC));
	}

	@Override
	public EdgeLinkType linkType() {
		return EdgeLinkType.API_VERSION;
	}

	/** Only paths under {@code /v1/}. */
	@Override
	public boolean appliesTo(String pathPattern) {
		return PathOverlap.mayOverlapPrefix(pathPattern, "/v1/");
	}

	/** A v1 request may be served by its v2 successor. */
	@Override
	public boolean rewritesPath() {
		return true;
	}

	@Override
	public Map<String, Object> settings(List<String> pathPatterns) {
		return Map.of("versions", "/v1/** served by /v2/** for Accept: " + V2, "deprecation", this.deprecation,
				"sunset", this.sunset);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String path = exchange.getRequest().getPath().pathWithinApplication().value();
		if (!path.startsWith("/v1/")) {
			return chain.filter(exchange);
		}
		String successor = "/v2/" + path.substring("/v1/".length());
		if (wantsV2(exchange.getRequest().getHeaders().getAccept())) {
			ServerWebExchange v2 = exchange.mutate().request((request) -> request.path(successor)).build();
			ServerHttpResponse response = v2.getResponse();
			response.beforeCommit(() -> {
				if (HttpStatus.OK.equals(response.getStatusCode())) {
					response.getHeaders().setContentType(V2);
				}
				return Mono.empty();
			});
			return chain.filter(v2);
		}
		ServerHttpResponse response = exchange.getResponse();
		response.beforeCommit(() -> {
			HttpHeaders headers = response.getHeaders();
			headers.set("Deprecation", this.deprecation);
			headers.set("Sunset", this.sunset);
			headers.add(HttpHeaders.LINK, "<" + successor + ">; rel=\"successor-version\"");
			return Mono.empty();
		});
		return chain.filter(exchange);
	}

	private static boolean wantsV2(List<MediaType> accept) {
		for (MediaType type : accept) {
			if (V2.equalsTypeAndSubtype(type)) {
				return true;
			}
		}
		return false;
	}

}
