package io.ftgo.edge.bff.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The web API's OpenAPI document, hand-written ({@code api/openapi.json}) and served at
 * {@code GET /v3/api-docs} without authentication. A contract test validates the real
 * answers of every documented operation against it.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiDocument {

	static final String PATH = "/v3/api-docs";

	@Bean
	RouterFunction<ServerResponse> openApiRoute() {
		ClassPathResource document = new ClassPathResource("api/openapi.json");
		return RouterFunctions.route()
			.GET(PATH, (request) -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(document))
			.build();
	}

}
