package io.ftgo.edge.security.web;

import java.nio.charset.StandardCharsets;

import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * Writes RFC 9457 {@code application/problem+json} answers directly to a response. Used
 * where an answer is made before any handler runs (authentication, authorization,
 * limits); the text given must be safe for clients: no class names, hosts or stack
 * traces.
 */
public final class Problems {

	/** The problem media type. */
	public static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;

	private Problems() {
	}

	/**
	 * Writes a problem answer unless the response is already committed.
	 * @param exchange the exchange
	 * @param status the HTTP status
	 * @param detail a human-readable explanation, safe for clients
	 * @param code a short machine-readable code, e.g. {@code invalid_token} (may be null)
	 */
	public static Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String detail, String code) {
		ServerHttpResponse response = exchange.getResponse();
		if (response.isCommitted()) {
			return Mono.empty();
		}
		response.setStatusCode(status);
		response.getHeaders().setContentType(PROBLEM_JSON);
		response.getHeaders().setCacheControl("no-store");
		byte[] body = json(status, detail, code, exchange.getRequest().getPath().value())
			.getBytes(StandardCharsets.UTF_8);
		response.getHeaders().setContentLength(body.length);
		DataBuffer buffer = response.bufferFactory().wrap(body);
		return response.writeWith(Mono.just(buffer));
	}

	/** The problem document as JSON text. */
	public static String json(HttpStatus status, String detail, String code, String instance) {
		StringBuilder json = new StringBuilder(160).append("{\"type\":\"about:blank\",\"title\":");
		quote(json, status.getReasonPhrase()).append(",\"status\":").append(status.value());
		if (detail != null) {
			quote(json.append(",\"detail\":"), detail);
		}
		if (instance != null) {
			quote(json.append(",\"instance\":"), instance);
		}
		if (code != null) {
			quote(json.append(",\"code\":"), code);
		}
		return json.append('}').toString();
	}

	private static StringBuilder quote(StringBuilder out, String value) {
		out.append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				default -> {
					if (c < 0x20) {
						out.append(String.format("\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		return out.append('"');
	}

}
