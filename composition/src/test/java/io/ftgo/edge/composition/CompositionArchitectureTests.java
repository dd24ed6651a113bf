package io.ftgo.edge.composition;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The module rule of docs/architecture.md: composition is a plain library. No Spring
 * Cloud Gateway, no server-side WebFlux or Reactor Netty server types, no security,
 * gateway or BFF code, and no Spring Boot types in main code.
 */
class CompositionArchitectureTests {

	private static JavaClasses main;

	@BeforeAll
	static void importMainClasses() {
		main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("io.ftgo.edge.composition");
	}

	@Test
	void importedClasses_includeTheEngine_soTheRulesCannotPassVacuously() {
		assertThat(main.contain(CompositionEngine.class)).isTrue();
		assertThat(main.contain(io.ftgo.edge.composition.internal.Executor.class)).isTrue();
		assertThat(main.size()).isGreaterThan(20);
	}

	@Test
	void composition_doesNotUseGatewayOrServerSideWebTypes() {
		ArchRule rule = noClasses().should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework.cloud.gateway..", "org.springframework.web.server..",
					"org.springframework.web.reactive.function.server..", "org.springframework.http.server..",
					"reactor.netty.http.server..")
			.orShould()
			.dependOnClassesThat()
			.haveSimpleName("ServerWebExchange")
			.orShould()
			.dependOnClassesThat()
			.haveSimpleName("ServerRequest")
			.because("composition is a plain library usable from plain JUnit (docs/architecture.md)");

		rule.check(main);
	}

	@Test
	void composition_doesNotUseSecurityGatewayOrBffModules() {
		noClasses().should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.ftgo.edge.security..", "io.ftgo.edge.gateway..", "io.ftgo.edge.bff..")
			.because("composition must not depend on security, gateway-core or a BFF (docs/architecture.md)")
			.check(main);
	}

	@Test
	void composition_mainCodeHasNoSpringBootTypes() {
		noClasses().should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework.boot..", "org.springframework.cloud..")
			.because("the declarative model is plain Java that gateway-core binds from YAML")
			.check(main);
	}

	@Test
	void internals_dependInOneDirection() {
		noClasses().that()
			.resideInAnyPackage("io.ftgo.edge.composition.plan..", "io.ftgo.edge.composition.policy..",
					"io.ftgo.edge.composition.fallback..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.ftgo.edge.composition.internal..")
			.because("the executor composes planner, policies and fallbacks, not the other way round")
			.check(main);
	}

}
