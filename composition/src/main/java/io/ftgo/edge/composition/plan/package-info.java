/**
 * Internal: reference parsing, validation and planning. Not an API.
 *
 * <p>
 * Design note: a part's dependencies are the parts its references name (in {@code get},
 * {@code for-each}, declared {@code uses}); the planner checks every reference against
 * the part names, the request parameters and the projections of the parts referenced,
 * rejects cycles (depth-first search, reporting the cycle path) and required parts that
 * depend on optional ones, then orders parts topologically. Stages (longest dependency
 * chain) are only for {@code explain}: at run time each part starts as soon as its own
 * inputs are there.
 */
package io.ftgo.edge.composition.plan;
