package io.ftgo.edge.gateway.lb;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.ftgo.edge.stubs.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outlier ejection on a virtual clock: N consecutive failures eject, a success resets the
 * count, the ejection time grows with repeats up to the maximum, the instance returns
 * when it ends, and the maximum ejected share holds.
 */
class OutlierDetectorTests {

	final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	final List<String> ejections = new ArrayList<>();

	final OutlierDetector detector = new OutlierDetector(
			new EdgeLoadBalancingProperties.OutlierEjection(3, Duration.ofSeconds(10), Duration.ofSeconds(25), 50),
			this.clock, (instance, ejected) -> this.ejections.add(instance));

	final ServiceInstance a = instance(1);

	final ServiceInstance b = instance(2);

	final ServiceInstance c = instance(3);

	final List<ServiceInstance> all = List.of(this.a, this.b, this.c);

	@BeforeEach
	void instancesKnown() {
		// As in use: the balancer lists the instances before any call can fail.
		this.detector.available(this.all);
	}

	@Test
	void consecutiveFailures_ejectTheInstanceOnly() {
		assertThat(this.detector.available(this.all)).containsExactly(this.a, this.b, this.c);
		fail(this.a, 2);
		assertThat(this.detector.available(this.all)).containsExactly(this.a, this.b, this.c);
		fail(this.a, 1);
		assertThat(this.detector.available(this.all)).containsExactly(this.b, this.c);
		assertThat(this.ejections).containsExactly("10.0.0.1:8080");
	}

	@Test
	void aSuccess_resetsTheCount() {
		fail(this.a, 2);
		this.detector.success(this.a);
		fail(this.a, 2);
		assertThat(this.detector.available(this.all)).contains(this.a);
	}

	@Test
	void ejectionTime_baseTimesRepeats_cappedByTheMaximum_thenTheInstanceReturns() {
		fail(this.a, 3);
		this.clock.advance(Duration.ofSeconds(10).minusMillis(1));
		assertThat(this.detector.available(this.all)).doesNotContain(this.a);
		this.clock.advance(Duration.ofMillis(1));
		assertThat(this.detector.available(this.all)).contains(this.a);

		fail(this.a, 3); // second ejection: 20 s
		this.clock.advance(Duration.ofSeconds(20).minusMillis(1));
		assertThat(this.detector.available(this.all)).doesNotContain(this.a);
		this.clock.advance(Duration.ofMillis(1));
		assertThat(this.detector.available(this.all)).contains(this.a);

		fail(this.a, 3); // third: 30 s, capped at 25 s
		this.clock.advance(Duration.ofSeconds(25));
		assertThat(this.detector.available(this.all)).contains(this.a);
		assertThat(this.ejections).hasSize(3);
	}

	@Test
	void failuresWhileEjected_doNotExtendTheEjection() {
		fail(this.a, 3);
		fail(this.a, 5);
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(this.detector.available(this.all)).contains(this.a);
	}

	@Test
	void maxEjectionPercent_holds_twoOfThreeFailing_onlyOneEjected() {
		fail(this.a, 3);
		fail(this.b, 10);
		assertThat(this.detector.available(this.all)).containsExactly(this.b, this.c);
		assertThat(this.ejections).containsExactly("10.0.0.1:8080");

		// once a is back, b may go
		this.clock.advance(Duration.ofSeconds(10));
		this.detector.available(this.all);
		fail(this.b, 3);
		assertThat(this.detector.available(this.all)).containsExactly(this.a, this.c);
	}

	@Test
	void aSingleInstance_isNeverEjected() {
		List<ServiceInstance> one = List.of(this.a);
		this.detector.available(one);
		fail(this.a, 10);
		assertThat(this.detector.available(one)).containsExactly(this.a);
	}

	private void fail(ServiceInstance instance, int times) {
		for (int i = 0; i < times; i++) {
			this.detector.failure(instance);
		}
	}

	private static ServiceInstance instance(int n) {
		return new DefaultServiceInstance("p-" + n, "p", "10.0.0." + n, 8080, false);
	}

}
