package io.ftgo.edge.composition;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * A Java DSL part's call: any {@code Mono} instead of an HTTP GET. It is protected like
 * an HTTP call (the provider's timeout, circuit breaker and bulkhead; retries and
 * collapsing only when declared idempotent). It must not block; an empty {@code Mono}
 * counts as a bad payload.
 */
@FunctionalInterface
public interface PartSource {

	/**
	 * Makes one attempt of the call; called again for each retry.
	 * @param context the resolved inputs of the call
	 * @return the answer as a JSON tree
	 */
	Mono<JsonNode> call(PartContext context);

}
