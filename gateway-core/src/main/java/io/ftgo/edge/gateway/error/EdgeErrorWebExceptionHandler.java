package io.ftgo.edge.gateway.error;

import java.io.IOException;
import java.net.ConnectException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

import io.ftgo.edge.gateway.support.logging.TraceMdc;
import io.ftgo.edge.security.web.Problems;

/**
 * The one place where failures become HTTP: every error of the edge, proxied or composed,
 * leaves as RFC 9457 problem+json with a fixed, safe detail. Upstream timeouts → 504,
 * refused or broken upstream connections → 502, open circuits and full bulkheads → 503.
 * Anything unexpected → 500 with a reference id that is also in the server log, the only
 * place its stack trace goes.
 */
public class EdgeErrorWebExceptionHandler implements ErrorWebExceptionHandler, Ordered {

	private static final Log logger = LogFactory.getLog(EdgeErrorWebExceptionHandler.class);

	/** Before Boot's default handler (-1) and Spring's own (0). */
	public static final int ORDER = -2;

	private final List<ErrorMapper> mappers;

	/**
	 * Maps one kind of exception to a problem; the first mapper that answers wins.
	 * Modules with their own typed errors (the composition engine) contribute one.
	 */
	@FunctionalInterface
	public interface ErrorMapper {

		/** The problem for {@code error}, or null when this mapper does not know it. */
		Problem map(Throwable error);

	}

	/** A problem to answer with: status, safe detail, machine-readable code. */
	public record Problem(HttpStatus status, String detail, String code) {

		static Problem of(ProblemDetail problem) {
			return new Problem(HttpStatus.valueOf(problem.getStatus()), problem.getDetail(), Problems.code(problem));
		}

		/** As Spring's {@link ProblemDetail}, for {@link Problems#write}. */
		public ProblemDetail toProblemDetail() {
			return Problems.of(this.status, this.detail, this.code);
		}

	}

	public EdgeErrorWebExceptionHandler(List<ErrorMapper> mappers) {
		this.mappers = mappers;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
		if (exchange.getResponse().isCommitted()) {
			return Mono.error(error);
		}
		Problem problem = problem(exchange, error);
		exchange.getResponse().getHeaders().remove(HttpHeaders.ETAG);
		if (HttpMethod.HEAD.equals(exchange.getRequest().getMethod())) {
			exchange.getResponse().setStatusCode(problem.status());
			return exchange.getResponse().setComplete();
		}
		return Problems.write(exchange, problem.toProblemDetail());
	}

	Problem problem(ServerWebExchange exchange, Throwable error) {
		for (ErrorMapper mapper : this.mappers) {
			Problem mapped = mapper.map(error);
			if (mapped != null) {
				return mapped;
			}
		}
		if (error instanceof MethodNotAllowedException notAllowed) {
			exchange.getResponse().getHeaders().setAllow(notAllowed.getSupportedMethods());
			return new Problem(HttpStatus.METHOD_NOT_ALLOWED,
					"This resource does not support the method " + exchange.getRequest().getMethod().name(),
					"method_not_allowed");
		}
		if (error instanceof ResponseStatusException status) {
			return forStatus(status.getStatusCode());
		}
		Throwable cause = rootCause(error);
		if (cause instanceof CallNotPermittedException || cause instanceof BulkheadFullException) {
			return new Problem(HttpStatus.SERVICE_UNAVAILABLE, "An upstream service is unavailable; try again later",
					"upstream_unavailable");
		}
		if (cause instanceof TimeoutException
				|| cause instanceof org.springframework.cloud.gateway.support.TimeoutException) {
			return forStatus(HttpStatus.GATEWAY_TIMEOUT);
		}
		if (cause instanceof ConnectException || cause instanceof IOException) {
			return forStatus(HttpStatus.BAD_GATEWAY);
		}
		String reference = reference();
		TraceMdc
			.around(exchange,
					() -> logger.error("Unexpected error, reference " + reference + " on "
							+ exchange.getRequest().getMethod() + " " + exchange.getRequest().getPath().value(),
							error));
		return new Problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error (reference " + reference + ")",
				"internal_error");
	}

	/**
	 * A fresh reference for an unexpected error, in the form of a random (version 4)
	 * UUID, drawn from {@link ThreadLocalRandom}: {@code UUID.randomUUID()} reads the
	 * system's random source, a blocking read on the event loop. A reference only ties an
	 * answer to its log line; it is no secret, so a non-cryptographic generator will do.
	 */
	static String reference() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		long high = (random.nextLong() & ~0xF000L) | 0x4000L;
		long low = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48);
		return new UUID(high, low).toString();
	}

	/** The fixed problem of a status, from the catalogue ({@link Problems#forStatus}). */
	public static Problem forStatus(HttpStatusCode code) {
		return Problem.of(Problems.forStatus(code));
	}

	private static Throwable rootCause(Throwable error) {
		Throwable cause = error;
		while (cause.getCause() != null && cause.getCause() != cause) {
			if (cause instanceof CallNotPermittedException || cause instanceof TimeoutException) {
				return cause;
			}
			cause = cause.getCause();
		}
		return cause;
	}

}
