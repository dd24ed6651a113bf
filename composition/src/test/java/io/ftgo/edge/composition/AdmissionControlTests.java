package io.ftgo.edge.composition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.ftgo.edge.composition.ProviderDefinition.AdmissionControlDefinition;
import io.ftgo.edge.composition.policy.AdmissionControl;
import io.ftgo.edge.composition.policy.CallFailure;
import io.ftgo.edge.composition.policy.Deadline;
import io.ftgo.edge.composition.policy.ProviderPolicy;
import io.ftgo.edge.composition.policy.ProviderSettings;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Admission control (client-side throttling): the rejection probability
 * {@code min(max-rejection, max(0, (requests - k * accepts) / (requests + 1)))} over a
 * sliding window, on a virtual clock with a fixed random draw, so every refusal is
 * predicted by the formula.
 */
class AdmissionControlTests {

	final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	final AtomicInteger made = new AtomicInteger();

	AdmissionControl control(double k, double maxRejection, double draw) {
		ProviderSettings settings = ProviderSettings.from("kitchen", ProviderDefinition.of("http://k")
			.withAdmissionControl(new AdmissionControlDefinition(true, k, Duration.ofSeconds(30), maxRejection)));
		return new AdmissionControl(settings.admission(), this.time, () -> draw);
	}

	/** One call that succeeds or fails with a 503; its outcome. */
	Object call(AdmissionControl control, boolean succeeds) {
		List<Object> outcome = new ArrayList<>();
		control.admit(Mono.defer(() -> {
			this.made.incrementAndGet();
			return succeeds ? Mono.just("ok") : Mono.error(new CallFailure(FailureReason.HTTP_STATUS, 503));
		})).subscribe(outcome::add, outcome::add);
		return outcome.get(0);
	}

	@Test
	void healthyProvider_nothingRefused() {
		AdmissionControl control = control(2, 0.8, 0.0);
		for (int i = 0; i < 100; i++) {
			assertThat(call(control, true)).isEqualTo("ok");
		}
		assertThat(control.refused()).isZero();
		assertThat(control.probability()).isZero();
	}

	@Test
	void afterTenSuccesses_failuresRefusedOnceTheFormulaPassesTheDraw() {
		// Before the j-th failure: requests = 10 + j, accepts = 10, so p = (j - 10) / (j
		// +
		// 11) with k = 2; with a draw of 0.5 a call is refused once p > 0.5, i.e. j > 31.
		AdmissionControl control = control(2, 1.0, 0.5);
		for (int i = 0; i < 10; i++) {
			call(control, true);
		}
		this.made.set(0);
		List<Object> outcomes = new ArrayList<>();
		for (int j = 0; j < 50; j++) {
			outcomes.add(call(control, false));
		}
		assertThat(this.made).hasValue(32);
		assertThat(control.refused()).isEqualTo(18);
		assertThat(outcomes.subList(32, 50))
			.allSatisfy((outcome) -> assertThat(((CallFailure) outcome).reason()).isEqualTo(FailureReason.THROTTLED));
		assertThat(outcomes.subList(0, 32))
			.allSatisfy((outcome) -> assertThat(((CallFailure) outcome).reason()).isEqualTo(FailureReason.HTTP_STATUS));
	}

	@Test
	void maxRejection_someCallsAlwaysReachTheProvider() {
		// Failing always: p = min(0.8, r / (r + 1)) = 0.8; a draw of 0.85 is never below
		// it.
		AdmissionControl control = control(2, 0.8, 0.85);
		for (int i = 0; i < 100; i++) {
			call(control, false);
		}
		assertThat(control.probability()).isEqualTo(0.8);
		assertThat(this.made).hasValue(100);
		assertThat(control.refused()).isZero();
	}

	@Test
	void windowSlides_aQuietWindowLater_callsPassAgain() {
		AdmissionControl control = control(2, 1.0, 0.5);
		for (int i = 0; i < 10; i++) {
			call(control, false);
		}
		assertThat(control.refused()).isPositive();
		this.time.advanceTimeBy(Duration.ofSeconds(31));
		assertThat(control.probability()).isZero();
		this.made.set(0);
		assertThat(call(control, true)).isEqualTo("ok");
		assertThat(this.made).hasValue(1);
	}

	@Test
	void inThePolicy_refusedCallsMakeNoAttempt_breakerUntouched_offByDefault() {
		assertThat(ProviderSettings.from("kitchen", ProviderDefinition.of("http://k")).admission()).isNull();
		ProviderDefinition definition = ProviderDefinition.of(null)
			.withRetry(new ProviderDefinition.RetryDefinition(1, null, null, null))
			.withAdmissionControl(new AdmissionControlDefinition(true, null, null, null));
		ProviderPolicy policy = new ProviderPolicy(ProviderSettings.from("kitchen", definition), this.time,
				CircuitBreakerRegistry.ofDefaults(), BulkheadRegistry.ofDefaults(), RetryRegistry.ofDefaults());
		int throttled = 0;
		for (int i = 0; i < 20; i++) {
			List<Object> outcome = new ArrayList<>();
			policy.guard(() -> {
				this.made.incrementAndGet();
				return Mono.<String>error(new CallFailure(FailureReason.HTTP_STATUS, 503));
			}, new Deadline(this.time, Duration.ofSeconds(1)), Duration.ofSeconds(1), false)
				.subscribe(outcome::add, outcome::add);
			throttled += (((CallFailure) outcome.get(0)).reason() == FailureReason.THROTTLED) ? 1 : 0;
		}
		// Every call is a request, none an accept: p = min(0.8, r / (r + 1)) = 0.8.
		assertThat(policy.admissionControl().probability()).isEqualTo(0.8);
		assertThat(this.made.get() + throttled).isEqualTo(20);
		assertThat(policy.admissionControl().refused()).isEqualTo(throttled);
		assertThat(policy.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(this.made.get());
	}

	@Test
	void badSettings_messageNamesTheKey() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProviderSettings.from("kitchen",
					ProviderDefinition.of("http://k")
						.withAdmissionControl(new AdmissionControlDefinition(true, 0.5, null, null))))
			.withMessageContaining("edge.providers.kitchen.admission-control.k: 0.5 (expected: between 1 and 100");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProviderSettings.from("kitchen", ProviderDefinition.of("http://k")
				.withAdmissionControl(new AdmissionControlDefinition(true, null, Duration.ofMillis(1500), null))))
			.withMessageContaining("edge.providers.kitchen.admission-control.window: PT1.5S (expected: whole seconds");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProviderSettings.from("kitchen",
					ProviderDefinition.of("http://k")
						.withAdmissionControl(new AdmissionControlDefinition(true, null, null, 0.0))))
			.withMessageContaining("edge.providers.kitchen.admission-control.max-rejection: 0.0 (expected: > 0");
	}

}
