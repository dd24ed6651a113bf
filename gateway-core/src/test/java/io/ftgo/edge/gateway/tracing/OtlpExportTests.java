package io.ftgo.edge.gateway.tracing;

import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.otlp.OtlpTracingAutoConfiguration;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spans leave the process over OTLP only when an endpoint is configured: without
 * {@code management.opentelemetry.tracing.export.otlp.endpoint} there is no exporter.
 */
class OtlpExportTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OpenTelemetrySdkAutoConfiguration.class,
				OpenTelemetryTracingAutoConfiguration.class, OtlpTracingAutoConfiguration.class));

	@Test
	void noEndpoint_noExporter() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(SpanExporter.class));
	}

	@Test
	void endpointConfigured_otlpHttpExporter() {
		this.runner
			.withPropertyValues("management.opentelemetry.tracing.export.otlp.endpoint=http://127.0.0.1:1/v1/traces")
			.run((context) -> assertThat(context).hasSingleBean(OtlpHttpSpanExporter.class));
	}

}
