package io.ftgo.edge.gateway.support.logging;

import io.ftgo.edge.gateway.filter.TraceContext;
import org.slf4j.MDC;

import org.springframework.web.server.ServerWebExchange;

/**
 * Sets the request's trace ids in the MDC for the one log line being written, and only
 * then. The edge does not copy the trace context into the MDC at every Reactor operator
 * (span scopes publish no MDC updates, see {@code EdgeTracingAutoConfiguration}): a line
 * that needs the ids reads them from the exchange
 * ({@link TraceContext#TRACE_CONTEXT_ATTR}) here, so Boot's log correlation pattern
 * ({@code %X{traceId}}, {@code %X{spanId}}) carries them.
 */
public final class TraceMdc {

	/** The MDC key of the trace id (Boot's log correlation pattern reads it). */
	public static final String TRACE_ID = "traceId";

	/** The MDC key of the span id. */
	public static final String SPAN_ID = "spanId";

	private TraceMdc() {
	}

	/**
	 * Runs {@code write} with the exchange's trace ids in the MDC, then removes them.
	 * @param exchange the request
	 * @param write writes the log line
	 */
	public static void around(ServerWebExchange exchange, Runnable write) {
		TraceContext trace = exchange.getAttribute(TraceContext.TRACE_CONTEXT_ATTR);
		if (trace == null) {
			write.run();
			return;
		}
		MDC.put(TRACE_ID, trace.traceId());
		MDC.put(SPAN_ID, trace.parentId());
		try {
			write.run();
		}
		finally {
			MDC.remove(TRACE_ID);
			MDC.remove(SPAN_ID);
		}
	}

}
