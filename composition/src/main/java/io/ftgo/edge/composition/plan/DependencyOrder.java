package io.ftgo.edge.composition.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The order in which parts can run (internal): a depth-first topological sort of the
 * parts by their references, refusing a cycle with the parts that form it.
 */
final class DependencyOrder {

	private DependencyOrder() {
	}

	/**
	 * @param key the composition's configuration key, for messages
	 * @param models the parts
	 * @param deps per part, the indexes of the parts it reads
	 * @return the part indexes, each after those it depends on
	 */
	static int[] of(String key, List<PartModel> models, List<Set<Integer>> deps) {
		int n = models.size();
		int[] state = new int[n];
		int[] order = new int[n];
		int[] next = { 0 };
		for (int i = 0; i < n; i++) {
			visit(key, i, models, deps, state, order, next, new ArrayList<>());
		}
		return order;
	}

	private static void visit(String key, int i, List<PartModel> models, List<Set<Integer>> deps, int[] state,
			int[] order, int[] next, List<Integer> path) {
		if (state[i] == 2) {
			return;
		}
		path.add(i);
		if (state[i] == 1) {
			List<String> cycle = path.subList(path.indexOf(i), path.size())
				.stream()
				.map((p) -> models.get(p).name())
				.toList();
			throw new IllegalArgumentException(key + ".parts: cycle " + String.join(" -> ", cycle)
					+ " (fix: remove one of these references; parts cannot wait on each other)");
		}
		state[i] = 1;
		for (int d : deps.get(i)) {
			visit(key, d, models, deps, state, order, next, path);
		}
		state[i] = 2;
		order[next[0]++] = i;
		path.remove(path.size() - 1);
	}

}
