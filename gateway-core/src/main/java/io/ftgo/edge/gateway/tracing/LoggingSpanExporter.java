package io.ftgo.edge.gateway.tracing;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes every finished span as one JSON line to the log category
 * {@code io.ftgo.edge.spans}: name, kind, trace, span and parent ids, duration and
 * attributes. For development and for looking at one trace without a collector
 * ({@code edge.tracing.log-spans=true}); it runs on the span processor's own thread,
 * never on an event loop.
 */
public class LoggingSpanExporter implements SpanExporter {

	/** The log category. */
	public static final String CATEGORY = "io.ftgo.edge.spans";

	private static final Log log = LogFactory.getLog(CATEGORY);

	private final JsonMapper json = JsonMapper.builder().build();

	@Override
	public CompletableResultCode export(Collection<SpanData> spans) {
		if (log.isInfoEnabled()) {
			for (SpanData span : spans) {
				log.info(this.json.writeValueAsString(line(span)));
			}
		}
		return CompletableResultCode.ofSuccess();
	}

	static Map<String, Object> line(SpanData span) {
		Map<String, Object> line = new LinkedHashMap<>();
		line.put("name", span.getName());
		line.put("kind", span.getKind().name());
		line.put("traceId", span.getTraceId());
		line.put("spanId", span.getSpanId());
		line.put("parentSpanId", span.getParentSpanId());
		line.put("durationMs", (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1_000_000.0);
		Map<String, Object> attributes = new LinkedHashMap<>();
		span.getAttributes().forEach((key, value) -> attributes.put(key.getKey(), value));
		line.put("attributes", attributes);
		return line;
	}

	@Override
	public CompletableResultCode flush() {
		return CompletableResultCode.ofSuccess();
	}

	@Override
	public CompletableResultCode shutdown() {
		return CompletableResultCode.ofSuccess();
	}

}
