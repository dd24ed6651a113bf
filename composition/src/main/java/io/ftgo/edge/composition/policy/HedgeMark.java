package io.ftgo.edge.composition.policy;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Set when a hedge answered a call, or when the provider's retry budget refused a retry
 * or a hedge of it (internal). The executor puts one per part (or per single call) in the
 * Reactor context of its calls; {@link Hedging} sets it when a hedge wins (the part's
 * metadata says {@code hedged}) or when the retry budget refuses a hedge, and
 * {@link ProviderPolicy} when it refuses a retry (the part says {@code retryRefused},
 * whether it then failed, degraded or was answered by its first attempt). A caller that
 * joined a collapsed call shares the call's answer but not its mark.
 */
public final class HedgeMark {

	private final AtomicBoolean hedged = new AtomicBoolean();

	private final AtomicBoolean retryRefused = new AtomicBoolean();

	/** Marks the call as one whose retry or hedge the provider's retry budget refused. */
	void refuseRetry() {
		this.retryRefused.set(true);
	}

	/**
	 * Whether the provider's retry budget refused a retry or a hedge of one of the calls
	 * under this mark (the part says {@code retryRefused}).
	 * @return {@code true} when refused
	 */
	public boolean retryRefused() {
		return this.retryRefused.get();
	}

	/** Marks the call as answered by a hedge. */
	void set() {
		this.hedged.set(true);
	}

	/**
	 * Whether a hedge answered one of the calls under this mark.
	 * @return {@code true} when hedged
	 */
	public boolean hedged() {
		return this.hedged.get();
	}

}
