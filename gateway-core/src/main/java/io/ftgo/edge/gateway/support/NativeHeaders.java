package io.ftgo.edge.gateway.support;

import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import org.springframework.http.server.reactive.AbstractServerHttpRequest;
import org.springframework.http.server.reactive.AbstractServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.ClassUtils;

/**
 * The Netty headers behind a Reactor Netty request or response, to read their names
 * without a copy. Spring's {@code HttpHeaders} views of Netty's headers copy every name
 * into a new case-insensitive map each time the names or entries are asked for (and
 * Netty's {@code names()} into a set, twice): 1-3 kB per pass on a plain request. Only
 * Reactor Netty's own request and response qualify (not a mutated or decorated one, whose
 * headers may differ from the connection's); for anything else these return null and the
 * caller reads the Spring headers.
 */
public final class NativeHeaders {

	private static final Class<?> REQUEST = resolve(
			"org.springframework.http.server.reactive.ReactorServerHttpRequest");

	private static final Class<?> RESPONSE = resolve(
			"org.springframework.http.server.reactive.ReactorServerHttpResponse");

	private NativeHeaders() {
	}

	/**
	 * The Netty headers {@code request.getHeaders()} reads, or null.
	 * @param request a request
	 * @return its Netty headers when it is Reactor Netty's own request, else null
	 */
	public static io.netty.handler.codec.http.HttpHeaders of(ServerHttpRequest request) {
		if (REQUEST != null && request.getClass() == REQUEST && ((AbstractServerHttpRequest) request)
			.getNativeRequest() instanceof HttpServerRequest nativeRequest) {
			return nativeRequest.requestHeaders();
		}
		return null;
	}

	/**
	 * The Netty headers {@code response.getHeaders()} writes, or null.
	 * @param response a response that is not committed yet
	 * @return its Netty headers when it is Reactor Netty's own response, else null
	 */
	public static io.netty.handler.codec.http.HttpHeaders of(ServerHttpResponse response) {
		if (RESPONSE != null && response.getClass() == RESPONSE && ((AbstractServerHttpResponse) response)
			.getNativeResponse() instanceof HttpServerResponse nativeResponse) {
			return nativeResponse.responseHeaders();
		}
		return null;
	}

	private static Class<?> resolve(String name) {
		try {
			return ClassUtils.forName(name, NativeHeaders.class.getClassLoader());
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return null;
		}
	}

}
