package io.ftgo.edge.gateway.filter;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.TracingObservationHandler;

import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.server.ServerWebExchange;

/**
 * W3C trace context ({@code traceparent}) of a request, for the access log and the
 * headers sent to providers. With Micrometer Tracing (the OpenTelemetry bridge) it is an
 * adapter of the request's server span, which Boot's {@code http.server.requests}
 * observation started and which continued an inbound {@code traceparent}. Without a
 * tracer, a valid inbound header keeps its trace id and flags and gets a new parent id
 * for the hop to the providers; a missing or malformed one starts a new trace.
 *
 * @param traceId 32 lower-case hex chars
 * @param parentId 16 lower-case hex chars: this hop's span
 * @param flags 2 hex chars
 */
public record TraceContext(String traceId, String parentId, String flags) {

	/** The header name. */
	public static final String TRACEPARENT = "traceparent";

	/** Exchange attribute holding the {@link TraceContext} of the request. */
	public static final String TRACE_CONTEXT_ATTR = "io.ftgo.edge.traceContext";

	private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);

	private static final Pattern HEADER = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");

	/**
	 * The trace context of {@code exchange}: its server span's, or else continued from
	 * its {@code traceparent} header or started.
	 */
	public static TraceContext of(ServerWebExchange exchange) {
		Span span = ServerRequestObservationContext.findCurrent(exchange.getAttributes())
			.map(TraceContext::span)
			.orElse(null);
		if (span != null && !span.isNoop()) {
			io.micrometer.tracing.TraceContext context = span.context();
			return new TraceContext(context.traceId(), context.spanId(),
					Boolean.TRUE.equals(context.sampled()) ? "01" : "00");
		}
		return continueOrStart(exchange.getRequest().getHeaders().getFirst(TRACEPARENT));
	}

	private static Span span(ServerRequestObservationContext context) {
		TracingObservationHandler.TracingContext tracing = context.get(TracingObservationHandler.TracingContext.class);
		return (tracing != null) ? tracing.getSpan() : null;
	}

	/** Continues {@code header} or starts a new trace. */
	public static TraceContext continueOrStart(String header) {
		if (header != null) {
			var matcher = HEADER.matcher(header.trim());
			if (matcher.matches() && !matcher.group(1).equals("0".repeat(32))
					&& !matcher.group(2).equals("0".repeat(16))) {
				return new TraceContext(matcher.group(1), randomHex(16), matcher.group(3));
			}
		}
		return new TraceContext(randomHex(32), randomHex(16), "01");
	}

	/** The header value for calls made on behalf of this request. */
	public String traceparent() {
		return "00-" + this.traceId + "-" + this.parentId + "-" + this.flags;
	}

	/**
	 * {@code length} random lower-case hex digits, each group of 16 from one random long
	 * with its top bit set (so never all zero), into one array: no builder, no
	 * intermediate strings.
	 */
	private static String randomHex(int length) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		byte[] hex = new byte[length];
		for (int group = 0; group < length; group += 16) {
			long bits = random.nextLong() | Long.MIN_VALUE;
			for (int i = 0; i < 16 && group + i < length; i++) {
				hex[group + i] = HEX_DIGITS[(int) (bits >>> (60 - 4 * i)) & 0xF];
			}
		}
		return new String(hex, StandardCharsets.ISO_8859_1);
	}

}
