package io.ftgo.edge.composition;

/**
 * A provider's hedged calls so far (monotonic counters, for metrics): see
 * {@link ProviderDefinition.HedgeDefinition}.
 */
public interface HedgeStats {

	/**
	 * Hedges sent (extra attempts started).
	 * @return the count
	 */
	long sent();

	/**
	 * Calls a hedge answered first.
	 * @return the count
	 */
	long won();

	/**
	 * Hedges not sent because the budget had no token left.
	 * @return the count
	 */
	long refused();

}
