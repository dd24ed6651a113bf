package io.ftgo.edge.composition.fallback;

/**
 * Identity of a call for collapsing and the last-good cache (internal).
 *
 * @param provider the provider id
 * @param target the expanded URL path and query (or a source key)
 * @param scope the identity scope, or {@code ""} for shared providers
 */
public record CallKey(String provider, String target, String scope) {
}
