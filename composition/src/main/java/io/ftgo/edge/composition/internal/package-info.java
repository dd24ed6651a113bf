/**
 * Internal: the executor (dataflow over the plan, fallback chain, fan-out) and the merge.
 * Not an API.
 */
package io.ftgo.edge.composition.internal;
