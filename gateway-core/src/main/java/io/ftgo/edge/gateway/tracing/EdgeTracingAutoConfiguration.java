package io.ftgo.edge.gateway.tracing;

import io.opentelemetry.sdk.trace.export.SpanExporter;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * {@code edge.tracing.log-spans=true}: finished spans are also written to the log as JSON
 * lines ({@link LoggingSpanExporter}), next to any OTLP export. Off by default.
 */
@AutoConfiguration
@ConditionalOnClass(SpanExporter.class)
public class EdgeTracingAutoConfiguration {

	@Bean
	@ConditionalOnProperty(name = "edge.tracing.log-spans", havingValue = "true")
	LoggingSpanExporter edgeLoggingSpanExporter() {
		return new LoggingSpanExporter();
	}

}
