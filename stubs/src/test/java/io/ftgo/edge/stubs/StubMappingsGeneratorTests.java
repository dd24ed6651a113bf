package io.ftgo.edge.stubs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed mapping files are what every consumer uses; the generator is how they are
 * written. This test fails when the two drift, and rewrites the files when run with
 * {@code -Dftgo.stubs.regenerate=true}.
 */
class StubMappingsGeneratorTests {

	private static final Path ROOT = Path.of("src/main/resources/wiremock");

	@Test
	void mappingFiles_comparedWithGenerator_areIdentical() throws IOException {
		if (Boolean.getBoolean("ftgo.stubs.regenerate")) {
			StubMappingsGenerator.write(ROOT);
		}
		Map<String, String> generated = StubMappingsGenerator.files();

		TreeSet<String> committed = new TreeSet<>();
		try (Stream<Path> paths = Files.walk(ROOT)) {
			paths.filter(Files::isRegularFile)
				.forEach((path) -> committed.add(ROOT.relativize(path).toString().replace('\\', '/')));
		}

		assertThat(committed).as("files under %s (regenerate: -Dftgo.stubs.regenerate=true)", ROOT)
			.containsExactlyElementsOf(new TreeSet<>(generated.keySet()));
		for (Map.Entry<String, String> file : generated.entrySet()) {
			assertThat(Files.readString(ROOT.resolve(file.getKey()), StandardCharsets.UTF_8))
				.as("%s differs from the generator (regenerate: -Dftgo.stubs.regenerate=true)", file.getKey())
				.isEqualTo(file.getValue());
		}
	}

	@Test
	void ftgoSeeds_constants_matchTheSeedData() {
		assertThat(SeedData.consumer(FtgoSeeds.ALICE).username()).isEqualTo("alice");
		assertThat(SeedData.consumer(FtgoSeeds.BOB).username()).isEqualTo("bob");
		assertThat(SeedData.consumer(FtgoSeeds.CAROL).username()).isEqualTo("carol");
		assertThat(SeedData.ordersOf(FtgoSeeds.DAVE)).isEmpty();
		assertThat(SeedData.restaurant(FtgoSeeds.AJANTA).name()).isEqualTo("Ajanta");
		assertThat(SeedData.restaurant(FtgoSeeds.EGG_SHOP).name()).isEqualTo("Egg Shop");
		assertThat(SeedData.restaurant(FtgoSeeds.BROKEN_WOK).name()).isEqualTo("Broken Wok");
		assertThat(SeedData.restaurant(FtgoSeeds.SUSHI_SORA).name()).isEqualTo("Sushi Sora");
		assertThat(SeedData.order(FtgoSeeds.ORDER_ON_THE_WAY).total()).isEqualTo("61.70");
		assertThat(SeedData.order(FtgoSeeds.ORDER_OF_BOB).consumerId()).isEqualTo(FtgoSeeds.BOB);
		assertThat(SeedData.order(FtgoSeeds.FAULT_RESTAURANT_MALFORMED).restaurantId()).isEqualTo(FtgoSeeds.BROKEN_WOK);
		for (long fault : new long[] { FtgoSeeds.FAULT_DELIVERY_SLOW, FtgoSeeds.FAULT_KITCHEN_500,
				FtgoSeeds.FAULT_ACCOUNTING_RESET, FtgoSeeds.FAULT_RESTAURANT_MALFORMED }) {
			assertThat(SeedData.order(fault).consumerId()).isEqualTo(FtgoSeeds.ALICE);
			assertThat(SeedData.order(fault).fault()).isNotBlank();
		}
		assertThat(SeedData.ORDERS)
			.noneMatch((order) -> order.id() == FtgoSeeds.UNKNOWN || order.id() == FtgoSeeds.NEW_ORDER);
	}

}
