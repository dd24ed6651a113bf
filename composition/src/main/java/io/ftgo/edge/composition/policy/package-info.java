/**
 * Internal: per-provider policies (deadline, circuit breaker, bulkhead, retry) as Reactor
 * operators, and failure classification. Not an API: may change without notice.
 */
package io.ftgo.edge.composition.policy;
