package io.ftgo.edge.gateway.filter.factory;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

import io.ftgo.edge.gateway.support.EdgeAttributes;
import io.ftgo.edge.security.EdgePrincipal;

import static org.assertj.core.api.Assertions.assertThat;

/** The filter without Spring: what reaches the route, and what is refused. */
class SetJsonFieldFromPrincipalGatewayFilterFactoryTests {

	private final SetJsonFieldFromPrincipalGatewayFilterFactory factory = new SetJsonFieldFromPrincipalGatewayFilterFactory(
			JsonMapper.builder().build());

	private final GatewayFilter filter = this.factory.apply(config("consumerId", "consumerId"));

	private static SetJsonFieldFromPrincipalGatewayFilterFactory.Config config(String field, String attribute) {
		SetJsonFieldFromPrincipalGatewayFilterFactory.Config config = new SetJsonFieldFromPrincipalGatewayFilterFactory.Config();
		config.setField(field);
		config.setAttribute(attribute);
		return config;
	}

	private static MockServerWebExchange exchange(MediaType type, String body, Map<String, Object> attributes) {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.post("/api/web/orders").contentType(type).body(body));
		if (attributes != null) {
			exchange.getAttributes()
				.put(EdgeAttributes.PRINCIPAL_ATTR,
						new EdgePrincipal(EdgePrincipal.Kind.JWT, "1001", Set.of("web"), attributes));
		}
		return exchange;
	}

	@Test
	void apply_clientSentAnotherConsumerId_replacedByThePrincipalsAndLengthUpdated() {
		AtomicReference<ServerWebExchange> forwarded = new AtomicReference<>();
		MockServerWebExchange exchange = exchange(MediaType.APPLICATION_JSON,
				"{\"consumerId\":1002,\"restaurantId\":501}", Map.of("consumerId", 1001L));

		StepVerifier.create(this.filter.filter(exchange, (ex) -> {
			forwarded.set(ex);
			return Mono.empty();
		})).verifyComplete();

		String body = DataBufferUtils.join(forwarded.get().getRequest().getBody())
			.map((buffer) -> buffer.toString(StandardCharsets.UTF_8))
			.block();
		assertThat(body).isEqualTo("{\"consumerId\":1001,\"restaurantId\":501}");
		assertThat(forwarded.get().getRequest().getHeaders().getContentLength()).isEqualTo(body.length());
	}

	@Test
	void apply_noConsumerIdInBody_added() {
		AtomicReference<ServerWebExchange> forwarded = new AtomicReference<>();

		StepVerifier.create(this.filter.filter(
				exchange(MediaType.APPLICATION_JSON, "{\"restaurantId\":501}", Map.of("consumerId", 1001L)), (ex) -> {
					forwarded.set(ex);
					return Mono.empty();
				}))
			.verifyComplete();

		assertThat(DataBufferUtils.join(forwarded.get().getRequest().getBody())
			.map((buffer) -> buffer.toString(StandardCharsets.UTF_8))
			.block()).isEqualTo("{\"restaurantId\":501,\"consumerId\":1001}");
	}

	@Test
	void apply_principalWithoutTheAttribute_403AndNotForwarded() {
		assertRefused(exchange(MediaType.APPLICATION_JSON, "{}", Map.of("clientId", "partner-ajanta")),
				HttpStatus.FORBIDDEN);
	}

	@Test
	void apply_anonymous_403AndNotForwarded() {
		assertRefused(exchange(MediaType.APPLICATION_JSON, "{}", null), HttpStatus.FORBIDDEN);
	}

	@Test
	void apply_bodyNotAJsonObject_400AndNotForwarded() {
		assertRefused(exchange(MediaType.APPLICATION_JSON, "[1]", Map.of("consumerId", 1001L)), HttpStatus.BAD_REQUEST);
		assertRefused(exchange(MediaType.APPLICATION_JSON, "{\"a\":", Map.of("consumerId", 1001L)),
				HttpStatus.BAD_REQUEST);
	}

	@Test
	void apply_notJson_415AndNotForwarded() {
		assertRefused(exchange(MediaType.TEXT_PLAIN, "consumerId=1002", Map.of("consumerId", 1001L)),
				HttpStatus.UNSUPPORTED_MEDIA_TYPE);
	}

	@Test
	void shortcut_fieldThenAttribute() {
		assertThat(this.factory.shortcutFieldOrder()).containsExactly("field", "attribute");
		assertThat(this.factory.name()).isEqualTo("SetJsonFieldFromPrincipal");
	}

	private void assertRefused(MockServerWebExchange exchange, HttpStatus status) {
		AtomicReference<ServerWebExchange> forwarded = new AtomicReference<>();

		StepVerifier.create(this.filter.filter(exchange, (ex) -> {
			forwarded.set(ex);
			return Mono.empty();
		}))
			.expectErrorSatisfies(
					(error) -> assertThat(((ResponseStatusException) error).getStatusCode()).isEqualTo(status))
			.verify();

		assertThat(forwarded.get()).isNull();
	}

}
