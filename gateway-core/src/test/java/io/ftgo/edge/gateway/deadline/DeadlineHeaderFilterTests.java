package io.ftgo.edge.gateway.deadline;

import java.time.Duration;

import io.ftgo.edge.composition.FailureReason;
import io.ftgo.edge.composition.policy.CallFailure;
import io.ftgo.edge.composition.policy.Deadline;
import io.ftgo.edge.gateway.filter.ProviderPolicyGlobalFilter;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The deadline header of proxied calls, on virtual time: the time left as the call is
 * sent, the client's own value never passed on, and no call once the deadline has passed.
 */
class DeadlineHeaderFilterTests {

	static final String HEADER = "X-Request-Deadline-Ms";

	final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	final DeadlineHeaderFilter filter = new DeadlineHeaderFilter(HEADER);

	MockServerWebExchange exchange(Deadline deadline) {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.get("/api/x/restaurants/1").header(HEADER, "100000"));
		if (deadline != null) {
			exchange.getAttributes().put(ProviderPolicyGlobalFilter.DEADLINE_ATTR, deadline);
		}
		return exchange;
	}

	@Test
	void timeLeftWhenSent_replacesTheClientsValue() {
		Deadline deadline = new Deadline(this.time, Duration.ofMillis(800));
		MockServerWebExchange exchange = exchange(deadline);
		this.time.advanceTimeBy(Duration.ofMillis(300));

		HttpHeaders sent = this.filter.filter(exchange.getRequest().getHeaders(), exchange);

		assertThat(sent.get(HEADER)).containsExactly("500");
	}

	@Test
	void deadlinePassedBeforeTheCallIsSent_notSent_timeout() {
		Deadline deadline = new Deadline(this.time, Duration.ofMillis(800));
		MockServerWebExchange exchange = exchange(deadline);
		this.time.advanceTimeBy(Duration.ofMillis(800));

		assertThatExceptionOfType(CallFailure.class)
			.isThrownBy(() -> this.filter.filter(exchange.getRequest().getHeaders(), exchange))
			.satisfies((failure) -> assertThat(failure.reason()).isEqualTo(FailureReason.TIMEOUT));
	}

	@Test
	void lessThanOneMillisecondLeft_notSent() {
		Deadline deadline = new Deadline(this.time, Duration.ofMillis(800));
		MockServerWebExchange exchange = exchange(deadline);
		this.time.advanceTimeBy(Duration.ofNanos(Duration.ofMillis(800).toNanos() - 1));

		assertThatExceptionOfType(CallFailure.class)
			.isThrownBy(() -> this.filter.filter(exchange.getRequest().getHeaders(), exchange));
	}

	@Test
	void routeToNoProvider_clientsValueRemoved() {
		MockServerWebExchange exchange = exchange(null);

		HttpHeaders sent = this.filter.filter(exchange.getRequest().getHeaders(), exchange);

		assertThat(sent.containsHeader(HEADER)).isFalse();
	}

}
