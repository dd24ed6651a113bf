package io.ftgo.edge.gateway.filter;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import reactor.core.publisher.Mono;
import reactor.netty.Connection;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

import io.ftgo.edge.composition.CompositionEngine;
import io.ftgo.edge.composition.FailureReason;
import io.ftgo.edge.composition.policy.CallFailure;
import io.ftgo.edge.composition.policy.Deadline;
import io.ftgo.edge.composition.policy.Failures;
import io.ftgo.edge.composition.policy.ProviderPolicy;
import io.ftgo.edge.gateway.deadline.ClientDeadlines;
import io.ftgo.edge.gateway.error.EdgeErrorWebExceptionHandler;

/**
 * Proxied routes get their provider's policy, the very objects composed parts and GraphQL
 * fields use ({@link CompositionEngine#policy}): one deadline, breaker, bulkhead and
 * retry per provider, whatever kind of call reaches it. Per proxied request:
 * <ul>
 * <li>the route's deadline ({@link RouteProviders}: its {@code response-timeout}, else
 * its provider's {@code timeout}) bounds the time until the provider's answer arrives;
 * past it the call is cancelled and the client gets 504;</li>
 * <li>an open breaker or a full bulkhead answers 503 at once: the provider sees
 * nothing;</li>
 * <li>a call over the provider's concurrency limit ({@code concurrency}, below the
 * bulkhead) answers 503 problem+json {@code overloaded} with {@code Retry-After}, as the
 * BFF-wide limit does: the provider sees nothing;</li>
 * <li>the breaker records timeouts, failed connections and 5xx answers as failures, 4xx
 * answers as neither;</li>
 * <li>{@code GET}, {@code HEAD} and {@code OPTIONS} are retried as composed GETs are
 * ({@code retry.max-attempts}, backoff never past the deadline), each attempt choosing
 * its instance again; nothing else is ever retried.</li>
 * </ul>
 * A client's own deadline header shortens the route's ({@link ClientDeadlines}); the
 * provider is told the time left as each attempt is sent
 * ({@code deadline/DeadlineHeaderFilter}). A 5xx answer that is not retried (or is the
 * last attempt's) goes on as before: the client gets 502
 * ({@link UpstreamErrorGlobalFilter}). Ordered right after the request URL is known and
 * before the load balancer picks an instance.
 */
public final class ProviderPolicyGlobalFilter implements GlobalFilter, Ordered {

	/** After {@code RouteToRequestUrlFilter}, before the load-balancing filter. */
	public static final int ORDER = RouteToRequestUrlFilter.ROUTE_TO_URL_FILTER_ORDER + 1;

	/**
	 * Exchange attribute: the {@link Deadline} of a proxied call to a provider (read when
	 * the call is sent).
	 */
	public static final String DEADLINE_ATTR = ProviderPolicyGlobalFilter.class.getName() + ".deadline";

	/**
	 * The answer to a call refused by its provider's concurrency limit: 503
	 * {@code overloaded}, as the BFF-wide limit answers (with {@code Retry-After}).
	 */
	public static final EdgeErrorWebExceptionHandler.Problem OVERLOADED = new EdgeErrorWebExceptionHandler.Problem(
			HttpStatus.SERVICE_UNAVAILABLE, "The service is overloaded; retry after the time given in Retry-After.",
			"overloaded");

	private final RouteProviders routes;

	private final CompositionEngine engine;

	private final ClientDeadlines clientDeadlines;

	public ProviderPolicyGlobalFilter(RouteProviders routes, CompositionEngine engine,
			ClientDeadlines clientDeadlines) {
		this.routes = routes;
		this.engine = engine;
		this.clientDeadlines = clientDeadlines;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		RouteProviders.Binding binding = this.routes.forRoute(route);
		Duration budget;
		try {
			if (binding.provider() == null) {
				this.clientDeadlines.check(exchange.getRequest().getHeaders());
				return chain.filter(exchange);
			}
			// The smaller of the route's deadline and the client's (malformed: 400,
			// expired: 504, both before any provider call).
			budget = this.clientDeadlines.deadline(exchange.getRequest().getHeaders(), binding.deadline());
		}
		catch (ClientDeadlines.Refused refused) {
			return Mono.error(refused);
		}
		ProviderPolicy policy = this.engine.policy(binding.provider());
		Deadline deadline = policy.deadline(budget);
		exchange.getAttributes().put(DEADLINE_ATTR, deadline);
		HttpMethod method = exchange.getRequest().getMethod();
		boolean idempotent = HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)
				|| HttpMethod.OPTIONS.equals(method);
		URI url = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
		AtomicReference<Throwable> unclassified = new AtomicReference<>();
		Attempts attempts = new Attempts(exchange, chain, url, unclassified);
		return policy.guard(attempts::next, deadline, budget, idempotent).then().onErrorResume((error) -> {
			CallFailure failure = Failures.classify(error);
			if (failure.reason() == FailureReason.HTTP_STATUS) {
				// The answer is in the exchange: it is written as any other (a 5xx as
				// 502).
				return Mono.empty();
			}
			// Nothing of an earlier attempt's answer may reach the client.
			attempts.discard();
			if (failure.reason() == FailureReason.ERROR && unclassified.get() != null) {
				return Mono.error(unclassified.get());
			}
			if (failure.reason() == FailureReason.CONCURRENCY_LIMIT && policy.concurrencyLimit() != null) {
				exchange.getResponse()
					.getHeaders()
					.set(HttpHeaders.RETRY_AFTER, policy.concurrencyLimit().settings().retryAfterSeconds());
			}
			return Mono.error(new ProxiedCallFailed(failure.reason()));
		});
	}

	/**
	 * The answer of a proxied call that failed under its provider's policy.
	 * @param error any error
	 * @return the problem, or {@code null} for other errors
	 */
	public static EdgeErrorWebExceptionHandler.Problem problem(Throwable error) {
		if (!(error instanceof ProxiedCallFailed failed)) {
			return null;
		}
		return switch (failed.reason) {
			case TIMEOUT -> EdgeErrorWebExceptionHandler.forStatus(HttpStatus.GATEWAY_TIMEOUT);
			case CONCURRENCY_LIMIT -> OVERLOADED;
			case CIRCUIT_OPEN, BULKHEAD_FULL, THROTTLED ->
				new EdgeErrorWebExceptionHandler.Problem(HttpStatus.SERVICE_UNAVAILABLE,
						"An upstream service is unavailable; try again later", "upstream_unavailable");
			default -> EdgeErrorWebExceptionHandler.forStatus(HttpStatus.BAD_GATEWAY);
		};
	}

	/** One proxied exchange, attempted once or, for idempotent methods, again. */
	private static final class Attempts {

		private final ServerWebExchange exchange;

		private final GatewayFilterChain chain;

		private final URI url;

		private final AtomicReference<Throwable> unclassified;

		private boolean attempted;

		Attempts(ServerWebExchange exchange, GatewayFilterChain chain, URI url,
				AtomicReference<Throwable> unclassified) {
			this.exchange = exchange;
			this.chain = chain;
			this.url = url;
			this.unclassified = unclassified;
		}

		/**
		 * One attempt: it completes when the provider's status and headers have arrived
		 * (its body is written later, by the gateway); a status of 400 or more fails it
		 * with that status, which the breaker records as the composition's calls do.
		 */
		Mono<Integer> next() {
			if (this.attempted) {
				reset();
			}
			this.attempted = true;
			return this.chain.filter(this.exchange).then(Mono.defer(() -> {
				HttpStatusCode status = this.exchange.getResponse().getStatusCode();
				int code = (status != null) ? status.value() : 200;
				if (code >= 400) {
					return Mono.error(new CallFailure(FailureReason.HTTP_STATUS, code));
				}
				return Mono.just(code);
			})).onErrorMap((error) -> {
				if (error instanceof CallFailure) {
					return error;
				}
				if (error instanceof ResponseStatusException status
						&& status.getStatusCode().value() == HttpStatus.GATEWAY_TIMEOUT.value()) {
					// The gateway's own response timeout.
					return new CallFailure(FailureReason.TIMEOUT, 0);
				}
				if (error instanceof TimeoutException) {
					return new CallFailure(FailureReason.TIMEOUT, 0);
				}
				CallFailure failure = Failures.classify(error);
				if (failure.reason() == FailureReason.ERROR) {
					this.unclassified.set(error);
				}
				return failure;
			});
		}

		/** Drops what an earlier attempt left, if any. */
		void discard() {
			if (this.attempted) {
				reset();
			}
		}

		/**
		 * Undoes what the previous attempt left: its connection (closed, its body
		 * unread), the headers and status it copied into the response, the routed flag
		 * and the instance the load balancer chose.
		 */
		private void reset() {
			Connection connection = this.exchange.getAttribute(ServerWebExchangeUtils.CLIENT_RESPONSE_CONN_ATTR);
			if (connection != null) {
				this.exchange.getAttributes().remove(ServerWebExchangeUtils.CLIENT_RESPONSE_CONN_ATTR);
				connection.dispose();
			}
			this.exchange.getAttributes().remove(ServerWebExchangeUtils.CLIENT_RESPONSE_ATTR);
			ServerWebExchangeUtils.reset(this.exchange);
			this.exchange.getAttributes().remove(ServerWebExchangeUtils.CLIENT_RESPONSE_HEADER_NAMES);
			this.exchange.getResponse().setStatusCode(null);
			if (this.url != null) {
				this.exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, this.url);
			}
		}

	}

	/** A proxied call refused or failed by its provider's policy (no stack trace). */
	static final class ProxiedCallFailed extends RuntimeException {

		private final FailureReason reason;

		ProxiedCallFailed(FailureReason reason) {
			super(reason.label(), null, false, false);
			this.reason = reason;
		}

	}

}
