package io.ftgo.edge.gateway.filter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import io.ftgo.edge.gateway.pipeline.EdgeChainLink;
import io.ftgo.edge.gateway.pipeline.EdgeLinkType;
import io.ftgo.edge.gateway.support.EdgeAttributes;
import io.ftgo.edge.gateway.support.logging.TraceMdc;
import io.ftgo.edge.security.EdgePrincipal;

/**
 * One structured (JSON) access-log line per request, logger {@code io.ftgo.edge.access}
 * at INFO: method, path, status, duration, client address, principal id, route or
 * composition, cache and rate-limit outcome, trace id, and the terminal signal when it is
 * not a normal completion. Nothing is built when the logger is off.
 */
public class AccessLogWebFilter implements EdgeChainLink {

	/** The logger's name. */
	public static final String LOGGER = "io.ftgo.edge.access";

	private static final Log accessLog = LogFactory.getLog(LOGGER);

	private static final String GATEWAY_ROUTE_ATTR = "org.springframework.cloud.gateway.support.ServerWebExchangeUtils.gatewayRoute";

	private static final String COMPOSITION_ATTR = "io.ftgo.edge.composition";

	private final JsonMapper json;

	public AccessLogWebFilter(JsonMapper json) {
		this.json = json;
	}

	@Override
	public EdgeLinkType linkType() {
		return EdgeLinkType.ACCESS_LOG;
	}

	@Override
	public Map<String, Object> settings(List<String> pathPatterns) {
		return Map.of("logger", LOGGER, "enabled", accessLog.isInfoEnabled());
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!accessLog.isInfoEnabled()) {
			return chain.filter(exchange);
		}
		long start = System.nanoTime();
		return chain.filter(exchange)
			.doFinally((signal) -> TraceMdc.around(exchange,
					() -> accessLog.info(line(exchange, start, signal.toString()))));
	}

	/** The log line, as JSON text. */
	String line(ServerWebExchange exchange, long start, String signal) {
		ServerHttpRequest request = exchange.getRequest();
		Map<String, Object> line = new LinkedHashMap<>();
		line.put("method", request.getMethod().name());
		line.put("path", request.getPath().value());
		HttpStatusCode status = exchange.getResponse().getStatusCode();
		line.put("status", (status != null) ? status.value() : 0);
		line.put("duration_ms", (System.nanoTime() - start) / 1_000_000);
		put(line, "client", exchange.getAttribute(EdgeAttributes.CLIENT_ADDRESS_ATTR));
		Object principal = exchange.getAttribute(EdgeAttributes.PRINCIPAL_ATTR);
		put(line, "principal", (principal instanceof EdgePrincipal p) ? p.id() : null);
		put(line, "route", routeId(exchange));
		put(line, "cache", exchange.getAttribute(EdgeAttributes.CACHE_ATTR));
		put(line, "rate_limit", exchange.getAttribute(EdgeAttributes.RATE_LIMIT_ATTR));
		TraceContext trace = exchange.getAttribute(TraceContext.TRACE_CONTEXT_ATTR);
		put(line, "trace_id", (trace != null) ? trace.traceId() : null);
		if (!"onComplete".equals(signal)) {
			put(line, "signal", signal);
		}
		return this.json.writeValueAsString(line);
	}

	private static void put(Map<String, Object> line, String name, Object value) {
		if (value != null) {
			line.put(name, value.toString());
		}
	}

	private static String routeId(ServerWebExchange exchange) {
		Object route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
		if (route instanceof org.springframework.cloud.gateway.route.Route r) {
			return r.getId();
		}
		Object composition = exchange.getAttribute(COMPOSITION_ATTR);
		return (composition != null) ? composition.toString() : null;
	}

}
