package io.ftgo.edge.gateway.filter.factory;

import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

import io.ftgo.edge.gateway.support.PrincipalResolver;
import io.ftgo.edge.security.EdgePrincipal;

/**
 * Sets a top-level field of the JSON request body from the caller's principal, replacing
 * whatever the client sent: the provider gets the identity the edge authenticated, never
 * one the client chose (e.g. the {@code consumerId} of an order being created).
 *
 * <pre>
 * filters:
 *   - SetJsonFieldFromPrincipal=consumerId, consumerId     # field, principal attribute
 * </pre>
 *
 * Request {@code POST {"consumerId": 1002, "restaurantId": 501}} by consumer 1001 becomes
 * {@code POST {"consumerId": 1001, "restaurantId": 501}} with a new
 * {@code Content-Length}. The attribute is one of {@link EdgePrincipal#attributes()}
 * (e.g. {@code consumerId}, {@code clientId}) or {@code subject}; numbers stay numbers.
 *
 * <p>
 * Errors: an anonymous caller or one without the attribute → 403; a body that is not a
 * JSON object → 400; a content type other than JSON → 415. The body size is bounded by
 * {@code edge.limits.max-body-size} before this filter runs.
 */
public class SetJsonFieldFromPrincipalGatewayFilterFactory
		extends AbstractGatewayFilterFactory<SetJsonFieldFromPrincipalGatewayFilterFactory.Config> {

	private final JsonMapper json;

	public SetJsonFieldFromPrincipalGatewayFilterFactory(JsonMapper json) {
		super(Config.class);
		this.json = json;
	}

	@Override
	public List<String> shortcutFieldOrder() {
		return List.of("field", "attribute");
	}

	@Override
	public GatewayFilter apply(Config config) {
		String field = require(config.getField(), "field");
		String attribute = require(config.getAttribute(), "attribute");
		return (exchange, chain) -> {
			MediaType type = exchange.getRequest().getHeaders().getContentType();
			if (type == null
					|| !(MediaType.APPLICATION_JSON.isCompatibleWith(type) || type.getSubtype().endsWith("+json"))) {
				return Mono.error(new ResponseStatusException(HttpStatus.UNSUPPORTED_MEDIA_TYPE));
			}
			return PrincipalResolver.resolve(exchange)
				.mapNotNull((principal) -> value(principal, attribute))
				.switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.FORBIDDEN)))
				.flatMap((value) -> DataBufferUtils.join(exchange.getRequest().getBody())
					.map(SetJsonFieldFromPrincipalGatewayFilterFactory::bytes)
					.defaultIfEmpty(new byte[0])
					.flatMap((body) -> rewrite(body, field, value)))
				.flatMap((body) -> chain.filter(withBody(exchange, body)));
		};
	}

	private static String require(String value, String name) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException(
					"SetJsonFieldFromPrincipal." + name + ": " + value + " (expected: a name, e.g. consumerId)");
		}
		return value;
	}

	private static Object value(EdgePrincipal principal, String attribute) {
		return "subject".equals(attribute) ? principal.subject() : principal.attributes().get(attribute);
	}

	private static byte[] bytes(DataBuffer buffer) {
		try {
			byte[] bytes = new byte[buffer.readableByteCount()];
			buffer.read(bytes);
			return bytes;
		}
		finally {
			DataBufferUtils.release(buffer);
		}
	}

	private Mono<byte[]> rewrite(byte[] body, String field, Object value) {
		JsonNode tree;
		try {
			tree = this.json.readTree(body);
		}
		catch (JacksonException ex) {
			return Mono.error(new ResponseStatusException(HttpStatus.BAD_REQUEST));
		}
		if (!(tree instanceof ObjectNode object)) {
			return Mono.error(new ResponseStatusException(HttpStatus.BAD_REQUEST));
		}
		if (value instanceof Long number) {
			object.put(field, number);
		}
		else if (value instanceof Integer number) {
			object.put(field, number);
		}
		else {
			object.put(field, value.toString());
		}
		return Mono.just(this.json.writeValueAsBytes(object));
	}

	private static ServerWebExchange withBody(ServerWebExchange exchange, byte[] body) {
		ServerHttpRequest request = exchange.getRequest().mutate().headers((headers) -> {
			headers.remove(HttpHeaders.TRANSFER_ENCODING);
			headers.setContentLength(body.length);
		}).build();
		ServerHttpRequest decorated = new ServerHttpRequestDecorator(request) {
			@Override
			public Flux<DataBuffer> getBody() {
				return Flux.defer(() -> Flux.just(exchange.getResponse().bufferFactory().wrap(body)));
			}
		};
		return exchange.mutate().request(decorated).build();
	}

	/** The field to set and the principal attribute it comes from. */
	public static class Config {

		private String field;

		private String attribute;

		public String getField() {
			return this.field;
		}

		public void setField(String field) {
			this.field = field;
		}

		public String getAttribute() {
			return this.attribute;
		}

		public void setAttribute(String attribute) {
			this.attribute = attribute;
		}

	}

}
