package io.ftgo.edge.gateway.tracing;

import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Tracing as the edge uses it.
 * <ul>
 * <li>No MDC copying per Reactor operator. Reactor restores the current observation into
 * thread locals around every {@code handle} and {@code tap} operator (its limited context
 * propagation), which opens a span scope, and Boot's default event publisher then writes
 * {@code traceId} and {@code spanId} into the MDC and removes them again, each time. The
 * edge reads the trace context from the exchange and the Reactor context instead (the
 * access log, the error log, {@code traceparent} to providers, composed parts' spans), so
 * span scopes here publish nothing: the log lines that carry trace ids set them in the
 * MDC themselves, for that line only ({@code support/logging/TraceMdc}).
 * {@code edge.tracing.scope-mdc=true} restores Boot's publisher (MDC on every
 * scope).</li>
 * <li>{@code edge.tracing.log-spans=true}: finished spans are also written to the log as
 * JSON lines ({@link LoggingSpanExporter}), next to any OTLP export. Off by default.</li>
 * </ul>
 */
@AutoConfiguration(before = OpenTelemetryTracingAutoConfiguration.class)
@ConditionalOnClass(SpanExporter.class)
public class EdgeTracingAutoConfiguration {

	@Bean
	@ConditionalOnProperty(name = "edge.tracing.log-spans", havingValue = "true")
	LoggingSpanExporter edgeLoggingSpanExporter() {
		return new LoggingSpanExporter();
	}

	@Bean
	@ConditionalOnClass(OtelTracer.class)
	@ConditionalOnProperty(name = "edge.tracing.scope-mdc", havingValue = "false", matchIfMissing = true)
	OtelTracer.EventPublisher edgeScopeEventPublisher() {
		return new NoScopeEvents();
	}

	/** Span scope events go nowhere: no MDC writes per scope. */
	static final class NoScopeEvents implements OtelTracer.EventPublisher {

		@Override
		public void publishEvent(Object event) {
		}

	}

}
