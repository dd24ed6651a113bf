package io.ftgo.edge.gateway.deadline;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

import io.ftgo.edge.composition.FailureReason;
import io.ftgo.edge.composition.policy.CallFailure;
import io.ftgo.edge.composition.policy.Deadline;
import io.ftgo.edge.gateway.filter.ProviderPolicyGlobalFilter;

/**
 * What a proxied provider is told of its deadline: the time left, in whole milliseconds,
 * computed as each attempt is sent (Spring Cloud Gateway runs its header filters then).
 * An attempt whose deadline has passed by then is not sent: it fails with reason
 * {@code timeout} (the client gets 504). The client's own header never passes as it came:
 * a route to a provider gets the edge's value, any other route none.
 */
public final class DeadlineHeaderFilter implements HttpHeadersFilter, Ordered {

	private final String header;

	public DeadlineHeaderFilter(String header) {
		this.header = header;
	}

	/** Before {@code ProviderRequestHeadersFilter}, the last. */
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE - 1;
	}

	@Override
	public boolean supports(Type type) {
		return type == Type.REQUEST;
	}

	@Override
	public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
		Deadline deadline = exchange.getAttribute(ProviderPolicyGlobalFilter.DEADLINE_ATTR);
		if (deadline == null && !input.containsHeader(this.header)) {
			return input;
		}
		HttpHeaders target = input;
		if (input == exchange.getRequest().getHeaders()) {
			target = copy(input);
		}
		try {
			apply(target, deadline);
		}
		catch (UnsupportedOperationException readOnly) {
			target = copy(input);
			apply(target, deadline);
		}
		return target;
	}

	private void apply(HttpHeaders target, Deadline deadline) {
		target.remove(this.header);
		if (deadline != null) {
			target.set(this.header, Long.toString(left(deadline)));
		}
	}

	/**
	 * Whole milliseconds left; none left (under 1 ms): the call is not sent. The gateway
	 * runs its header filters before its HTTP client sends, inside the attempt, so the
	 * failure ends the attempt as its deadline passing would (504), as the composed
	 * calls' client does.
	 */
	private static long left(Deadline deadline) {
		long left = deadline.remainingMillis();
		if (left < 1) {
			throw new CallFailure(FailureReason.TIMEOUT, 0);
		}
		return left;
	}

	private static HttpHeaders copy(HttpHeaders input) {
		HttpHeaders copy = new HttpHeaders();
		copy.putAll(input);
		return copy;
	}

}
