package io.ftgo.edge.gateway.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chain table of {@code gateway-core/README.md} says what the pipeline's definition
 * ({@link EdgeLinkType}) says: the same links, in the same order, with the same order
 * numbers.
 */
class EdgeChainTableTests {

	@Test
	void readmeChainTable_listsTheDefinitionsLinksInOrder() throws IOException {
		List<String> table = new ArrayList<>();
		boolean inTable = false;
		for (String line : Files.readAllLines(Path.of("README.md"))) {
			if (line.startsWith("| order | link |")) {
				inTable = true;
				continue;
			}
			if (inTable && !line.startsWith("|")) {
				break;
			}
			if (inTable && !line.startsWith("|---")) {
				String[] cells = line.split("\\|");
				String order = cells[1].trim();
				String link = cells[2].trim();
				if (link.startsWith("`") && link.endsWith("`")) {
					table.add(order + " " + link.substring(1, link.length() - 1));
				}
			}
		}
		List<String> defined = Arrays.stream(EdgeLinkType.values())
			.map((type) -> ((type == EdgeLinkType.ROUTE) ? "—" : Integer.toString(type.order())) + " " + type.id())
			.toList();
		assertThat(table).containsExactlyElementsOf(defined);
	}

	@Test
	void definitionsOrderNumbers_increaseInTheDefinitionsOrder() {
		EdgeLinkType[] types = EdgeLinkType.values();
		for (int i = 1; i < types.length; i++) {
			assertThat(types[i].order()).as(types[i].id()).isGreaterThan(types[i - 1].order());
		}
	}

}
