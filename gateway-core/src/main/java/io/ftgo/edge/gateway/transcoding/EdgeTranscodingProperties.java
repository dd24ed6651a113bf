package io.ftgo.edge.gateway.transcoding;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Transcoded routes ({@code edge.transcoding.routes}): each maps an HTTP method and path
 * to one gRPC method of a {@code transport: grpc} provider, in the spirit of
 * {@code google.api.http} but kept in the BFF's YAML, not in the {@code .proto}.
 *
 * <pre>
 * edge:
 *   transcoding:
 *     routes:
 *       mobile-create-order:
 *         request: POST /api/mobile/orders
 *         from: order
 *         grpc: OrderService/createOrder
 *         input:
 *           consumerId: "{principal.consumerId}"   # overrides the body's
 * </pre>
 *
 * @param enabled whether the routes are served; default {@code true} ({@code false} e.g.
 * to run a BFF with its gRPC provider switched to {@code transport: http})
 * @param routes the routes by id
 */
@ConfigurationProperties("edge.transcoding")
public record EdgeTranscodingProperties(Boolean enabled, Map<String, Route> routes) {

	public EdgeTranscodingProperties {
		enabled = (enabled == null) || enabled;
		routes = (routes != null) ? new LinkedHashMap<>(routes) : Map.of();
	}

	/**
	 * One transcoded route.
	 *
	 * @param request the request line, {@code METHOD /path/{variable}}; required
	 * @param from the provider id (with {@code transport: grpc}); required
	 * @param grpc the method, {@code Service/Method}; required
	 * @param input request fields bound to path variables ({@code {orderId}}) or the
	 * caller's verified principal ({@code {principal.consumerId}}); a bound field
	 * overrides the same field of the body
	 * @param body whether the JSON body (an object) is the request message; default
	 * {@code true} for POST, PUT and PATCH, {@code false} otherwise
	 * @param status the HTTP status of a successful answer; default 200 (what the REST
	 * provider answers)
	 * @param timeout the request's deadline; default the provider's {@code timeout}
	 * @param idempotent whether the method may be retried (on {@code UNAVAILABLE}) and
	 * collapsed; default {@code true} for GET, {@code false} otherwise
	 */
	public record Route(String request, String from, String grpc, Map<String, String> input, Boolean body,
			Integer status, Duration timeout, Boolean idempotent) {

		public Route {
			input = (input != null) ? new LinkedHashMap<>(input) : Map.of();
		}

		/**
		 * Whether the JSON body is the request message, defaults applied.
		 * @param method the request line's method
		 * @return {@code body}, else {@code true} for methods other than GET, DELETE and
		 * HEAD
		 */
		public boolean bodyFor(String method) {
			return (this.body != null) ? this.body
					: !method.equals("GET") && !method.equals("DELETE") && !method.equals("HEAD");
		}

		/**
		 * Whether the call is idempotent, defaults applied.
		 * @param method the request line's method
		 * @return {@code idempotent}, else {@code true} for GET only
		 */
		public boolean idempotentFor(String method) {
			return (this.idempotent != null) ? this.idempotent : method.equals("GET");
		}

		/**
		 * The status of a success, default applied.
		 * @return {@code status}, else 200
		 */
		public int statusOrDefault() {
			return (this.status != null) ? this.status : 200;
		}

		/**
		 * The route's settings as the pipelines view shows them, defaults applied.
		 * @param method the request line's method
		 * @param providerTimeout the provider's timeout (the default deadline), or
		 * {@code null} when unknown
		 * @return provider, gRPC method, inputs, body, idempotent, status and timeout
		 */
		public Map<String, Object> describe(String method, Duration providerTimeout) {
			Map<String, Object> settings = new LinkedHashMap<>();
			settings.put("provider", this.from);
			settings.put("grpc", this.grpc);
			if (!this.input.isEmpty()) {
				settings.put("input", Map.copyOf(this.input));
			}
			settings.put("body", bodyFor(method));
			settings.put("idempotent", idempotentFor(method));
			settings.put("status", statusOrDefault());
			Duration deadline = (this.timeout != null) ? this.timeout : providerTimeout;
			if (deadline != null) {
				settings.put("timeout", deadline.toString());
			}
			return settings;
		}

	}

}
