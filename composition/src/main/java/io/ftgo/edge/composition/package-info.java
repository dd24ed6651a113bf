/**
 * The composition engine's public API: one client request becomes a plan of provider
 * calls and one merged JSON answer with per-part metadata.
 *
 * <ul>
 * <li>Declarative model, bound from {@code edge.providers} / {@code edge.compositions}:
 * {@link io.ftgo.edge.composition.ProviderDefinition},
 * {@link io.ftgo.edge.composition.CompositionDefinition},
 * {@link io.ftgo.edge.composition.PartDefinition}.</li>
 * <li>Java DSL: {@link io.ftgo.edge.composition.Composition#builder(String)}, with
 * {@link io.ftgo.edge.composition.PartSource} for any {@code Mono}.</li>
 * <li>Runtime: {@link io.ftgo.edge.composition.ProviderRegistry} (validated providers),
 * {@link io.ftgo.edge.composition.Composition} (validated, planned),
 * {@link io.ftgo.edge.composition.CompositionEngine} ({@code execute}, {@code explain}),
 * {@link io.ftgo.edge.composition.CompositionRequest},
 * {@link io.ftgo.edge.composition.CompositionResult},
 * {@link io.ftgo.edge.composition.CompositionException},
 * {@link io.ftgo.edge.composition.CompositionListener}.</li>
 * </ul>
 *
 * Subpackages ({@code plan}, {@code policy}, {@code fallback}, {@code internal}) are
 * implementation: public only so the packages can see each other, not an API. See
 * composition/README.md for the YAML reference and the failure tables.
 */
package io.ftgo.edge.composition;
