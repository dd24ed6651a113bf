package io.ftgo.edge.gateway.filter;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Started and continued W3C trace contexts. */
class TraceContextTests {

	@Test
	void started_randomLowerCaseHexIds_neverAllZero() {
		Set<String> traces = new HashSet<>();
		for (int i = 0; i < 1000; i++) {
			TraceContext trace = TraceContext.continueOrStart(null);
			assertThat(trace.traceId()).matches("[89a-f][0-9a-f]{15}[89a-f][0-9a-f]{15}");
			assertThat(trace.parentId()).matches("[89a-f][0-9a-f]{15}");
			assertThat(trace.flags()).isEqualTo("01");
			assertThat(trace.traceparent()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
			traces.add(trace.traceId());
		}
		assertThat(traces).hasSize(1000);
	}

	@Test
	void continued_keepsTraceIdAndFlags_newParent() {
		TraceContext trace = TraceContext.continueOrStart("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
		assertThat(trace.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
		assertThat(trace.flags()).isEqualTo("00");
		assertThat(trace.parentId()).matches("[89a-f][0-9a-f]{15}").isNotEqualTo("00f067aa0ba902b7");
		assertThat(TraceContext.continueOrStart("00-00000000000000000000000000000000-00f067aa0ba902b7-01").traceId())
			.isNotEqualTo("00000000000000000000000000000000");
	}

}
