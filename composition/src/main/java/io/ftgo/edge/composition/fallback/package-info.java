/**
 * Internal: the last-good cache and request collapsing. Not an API.
 *
 * <p>
 * Design note on collapsing: identical idempotent calls in flight at once (same provider,
 * URL and identity scope, or no scope for shared providers) share one call. The map holds
 * the call's {@link java.util.concurrent.CompletableFuture} (a future, never a value):
 * the first caller puts an empty future with {@code putIfAbsent} and only the winner
 * subscribes to the call, detached from every caller, so a caller that cancels stops
 * waiting but does not cancel the call the others share. The entry is removed when the
 * call completes, before the future completes, so failures are never cached and the next
 * caller after completion makes a new call.
 */
package io.ftgo.edge.composition.fallback;
