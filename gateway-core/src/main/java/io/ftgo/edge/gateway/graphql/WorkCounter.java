package io.ftgo.edge.gateway.graphql;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.Selection;
import graphql.language.SelectionSet;

/**
 * Counts work units, every unit against the bound, and the nesting of selections (fields,
 * inline fragments and fragment spreads: what graphql-java recurses on), every level
 * against its bound. A fragment is walked once: its count and height are kept, and
 * charged again in one step for every further spread.
 */
final class WorkCounter {

	private final PlannedOperation operation;

	private final Map<String, FragmentDefinition> fragments;

	private final long maxWork;

	private final int maxNesting;

	private final Map<String, long[]> fragmentWork = new HashMap<>();

	private final Set<String> inProgress = new HashSet<>();

	WorkCounter(PlannedOperation operation, Map<String, FragmentDefinition> fragments, long maxWork, int maxNesting) {
		this.operation = operation;
		this.fragments = fragments;
		this.maxWork = maxWork;
		this.maxNesting = maxNesting;
	}

	/**
	 * Adds units; past the bound the count is {@code maxWork + 1}, the unit at which
	 * counting one by one would have stopped, and the walk ends.
	 */
	void charge(long units) {
		this.operation.charge(units, this.maxWork);
	}

	private void nested(int level) {
		if (level > this.maxNesting) {
			this.operation.nesting = level;
			throw new TooDeep();
		}
		this.operation.nesting = Math.max(this.operation.nesting, level);
	}

	/**
	 * Counts a selection set at a nesting level, charging as it goes.
	 * @return how many levels it nests below its own
	 */
	int count(SelectionSet selections, int level) {
		if (selections == null) {
			return 0;
		}
		nested(level);
		int height = 0;
		for (Selection<?> selection : selections.getSelections()) {
			this.operation.steps++;
			if (selection instanceof Field field) {
				charge(1 + field.getDirectives().size());
				if (field.getSelectionSet() != null) {
					height = Math.max(height, 1 + count(field.getSelectionSet(), level + 1));
				}
			}
			else if (selection instanceof InlineFragment inline) {
				charge(1 + inline.getDirectives().size());
				height = Math.max(height, 1 + count(inline.getSelectionSet(), level + 1));
			}
			else if (selection instanceof FragmentSpread spread) {
				charge(1 + spread.getDirectives().size());
				height = Math.max(height, 1 + spread(spread.getName(), level + 1));
			}
		}
		return height;
	}

	private int spread(String name, int level) {
		long[] known = this.fragmentWork.get(name);
		if (known != null) {
			nested(level + (int) known[1]);
			charge(known[0]);
			return (int) known[1];
		}
		FragmentDefinition fragment = this.fragments.get(name);
		if (fragment == null) {
			return 0;
		}
		if (!this.inProgress.add(name)) {
			throw new FragmentCycle(name);
		}
		long start = this.operation.work;
		charge(fragment.getDirectives().size());
		int height = count(fragment.getSelectionSet(), level);
		this.inProgress.remove(name);
		this.fragmentWork.put(name, new long[] { this.operation.work - start, height });
		return height;
	}

	/** Thrown when the count crosses {@code max-work}: the walk stops at once. */
	static final class TooMuchWork extends RuntimeException {

		TooMuchWork() {
			super(null, null, false, false);
		}

	}

	/** Thrown when selections nest deeper than allowed: the walk stops at once. */
	static final class TooDeep extends RuntimeException {

		TooDeep() {
			super(null, null, false, false);
		}

	}

	/** Thrown when a fragment spreads itself (directly or through others). */
	static final class FragmentCycle extends RuntimeException {

		FragmentCycle(String fragment) {
			super(fragment, null, false, false);
		}

	}

}
