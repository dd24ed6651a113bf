package io.ftgo.edge.composition;

/**
 * A provider's retry budget so far (monotonic counters, for metrics): retries and hedges
 * sent, and those the budget refused (not sent). See
 * {@link ProviderDefinition.RetryBudgetDefinition}.
 */
public interface RetryStats {

	/**
	 * Retries and hedges the budget let through.
	 * @return the count
	 */
	long sent();

	/**
	 * Retries and hedges the budget refused: not sent.
	 * @return the count
	 */
	long refused();

}
