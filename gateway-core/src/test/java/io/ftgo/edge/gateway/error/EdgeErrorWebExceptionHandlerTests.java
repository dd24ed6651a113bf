package io.ftgo.edge.gateway.error;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The answer to an unexpected error: a 500 whose detail carries a fresh reference, drawn
 * on the event loop without blocking it (BlockHound is on: {@code UUID.randomUUID()}
 * reads the system's random source and would be caught here).
 */
class EdgeErrorWebExceptionHandlerTests {

	private static final Pattern REFERENCE = Pattern.compile("Internal error \\(reference ([0-9a-f-]{36})\\)");

	private final EdgeErrorWebExceptionHandler handler = new EdgeErrorWebExceptionHandler(List.of());

	@Test
	void unexpectedError_isA500WithAFreshRandomReference_drawnWithoutBlocking() {
		String first = referenceOnAReactorThread();
		String second = referenceOnAReactorThread();

		UUID reference = UUID.fromString(first);
		assertThat(reference.version()).isEqualTo(4);
		assertThat(reference.variant()).isEqualTo(2);
		assertThat(reference.toString()).isEqualTo(first);
		assertThat(second).isNotEqualTo(first);
	}

	private String referenceOnAReactorThread() {
		// The exchange is made here: the mock's set-up reads class-path resources.
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/x"));
		EdgeErrorWebExceptionHandler.Problem problem = Mono
			.fromCallable(() -> this.handler.problem(exchange, new IllegalStateException("a bug")))
			.subscribeOn(Schedulers.parallel())
			.block(Duration.ofSeconds(30));
		assertThat(problem.status()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
		assertThat(problem.code()).isEqualTo("internal_error");
		Matcher matcher = REFERENCE.matcher(problem.detail());
		assertThat(matcher.matches()).as(problem.detail()).isTrue();
		return matcher.group(1);
	}

}
