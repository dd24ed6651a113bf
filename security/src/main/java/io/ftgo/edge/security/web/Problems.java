package io.ftgo.edge.security.web;

import java.util.LinkedHashMap;
import java.util.Map;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * The edge's one problem catalogue and its writer: every error that leaves the process is
 * an RFC 9457 {@code application/problem+json} document built as Spring's
 * {@link ProblemDetail} and written with Jackson. The catalogue ({@link #forStatus}) maps
 * a status to its fixed, client-safe detail and machine-readable {@code code}; the writer
 * is used by the security entry point and access-denied handler, gateway-core's error
 * handler and filters, and the Netty-level connection guards ({@link #json}).
 * <p>
 * It lives here, in the security module, because security is the lowest module that
 * answers HTTP errors and must not depend on gateway-core; gateway-core depends on
 * security and so uses the same catalogue.
 */
public final class Problems {

	/** The problem media type. */
	public static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;

	/** The extension member holding the machine-readable code. */
	public static final String CODE = "code";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private Problems() {
	}

	/**
	 * A problem of {@code status} with a client-safe detail and code.
	 * @param status the HTTP status
	 * @param detail a human-readable explanation, safe for clients (may be null)
	 * @param code a short machine-readable code, e.g. {@code invalid_token} (may be null)
	 */
	public static ProblemDetail of(HttpStatusCode status, String detail, String code) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		if (code != null) {
			problem.setProperty(CODE, code);
		}
		return problem;
	}

	/** The machine-readable code of {@code problem}, or null. */
	public static String code(ProblemDetail problem) {
		Map<String, Object> properties = problem.getProperties();
		Object code = (properties != null) ? properties.get(CODE) : null;
		return (code != null) ? code.toString() : null;
	}

	/** The catalogue: the fixed problem of a status. */
	public static ProblemDetail forStatus(HttpStatusCode code) {
		HttpStatus status = HttpStatus.resolve(code.value());
		if (status == null) {
			status = HttpStatus.INTERNAL_SERVER_ERROR;
		}
		return switch (status) {
			case BAD_REQUEST -> of(status, "The request is malformed", "bad_request");
			case NOT_FOUND -> of(status, "No such resource", "not_found");
			case UNAUTHORIZED -> of(status, "Authentication is required", "unauthorized");
			case FORBIDDEN -> of(status, "The request is not allowed", "forbidden");
			case CONFLICT -> of(status, "The request conflicts with the current state of the resource", "conflict");
			case GONE -> of(status, "The resource is gone", "gone");
			case UNPROCESSABLE_CONTENT ->
				of(status, "The request is well-formed but cannot be processed", "unprocessable");
			case REQUEST_TIMEOUT -> of(status, "The request was not received in time", "request_timeout");
			case NOT_ACCEPTABLE -> of(status, "No representation matches the Accept header", "not_acceptable");
			case PAYLOAD_TOO_LARGE -> of(status, "The request body is too large", "body_too_large");
			case URI_TOO_LONG -> of(status, "The request URI is too long", "uri_too_long");
			case UNSUPPORTED_MEDIA_TYPE ->
				of(status, "The request body's media type is not supported", "unsupported_media_type");
			case REQUEST_HEADER_FIELDS_TOO_LARGE ->
				of(status, "The request headers are too large", "headers_too_large");
			case BAD_GATEWAY -> of(status, "An upstream service failed", "upstream_failed");
			case SERVICE_UNAVAILABLE ->
				of(status, "An upstream service is unavailable; try again later", "upstream_unavailable");
			case GATEWAY_TIMEOUT -> of(status, "An upstream service did not answer in time", "upstream_timeout");
			default -> of(status, status.getReasonPhrase(), null);
		};
	}

	/**
	 * Writes a problem answer unless the response is already committed.
	 * @param exchange the exchange
	 * @param status the HTTP status
	 * @param detail a human-readable explanation, safe for clients
	 * @param code a short machine-readable code, e.g. {@code invalid_token} (may be null)
	 */
	public static Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String detail, String code) {
		return write(exchange, of(status, detail, code));
	}

	/**
	 * Writes {@code problem} unless the response is already committed; its instance is
	 * the request path.
	 */
	public static Mono<Void> write(ServerWebExchange exchange, ProblemDetail problem) {
		ServerHttpResponse response = exchange.getResponse();
		if (response.isCommitted()) {
			return Mono.empty();
		}
		response.setStatusCode(HttpStatusCode.valueOf(problem.getStatus()));
		response.getHeaders().setContentType(PROBLEM_JSON);
		response.getHeaders().setCacheControl("no-store");
		byte[] body = json(problem, exchange.getRequest().getPath().value());
		response.getHeaders().setContentLength(body.length);
		DataBuffer buffer = response.bufferFactory().wrap(body);
		return response.writeWith(Mono.just(buffer));
	}

	/**
	 * The problem document as UTF-8 JSON: {@code type}, {@code title}, {@code status},
	 * {@code detail}, {@code instance}, then the extension members ({@code code}).
	 * @param problem the problem
	 * @param instance the request path, or null (e.g. before a request was parsed)
	 */
	public static byte[] json(ProblemDetail problem, String instance) {
		Map<String, Object> document = new LinkedHashMap<>();
		document.put("type", (problem.getType() != null) ? problem.getType().toString() : "about:blank");
		String title = problem.getTitle();
		if (title == null) {
			HttpStatus status = HttpStatus.resolve(problem.getStatus());
			title = (status != null) ? status.getReasonPhrase() : null;
		}
		if (title != null) {
			document.put("title", title);
		}
		document.put("status", problem.getStatus());
		if (problem.getDetail() != null) {
			document.put("detail", problem.getDetail());
		}
		if (instance != null) {
			document.put("instance", instance);
		}
		else if (problem.getInstance() != null) {
			document.put("instance", problem.getInstance().toString());
		}
		if (problem.getProperties() != null) {
			document.putAll(problem.getProperties());
		}
		return JSON.writeValueAsBytes(document);
	}

}
