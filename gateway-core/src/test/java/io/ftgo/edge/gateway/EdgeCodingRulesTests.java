package io.ftgo.edge.gateway;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import io.ftgo.edge.gateway.config.EdgeGatewayAutoConfiguration;
import io.ftgo.edge.security.config.EdgeSecurityAutoConfiguration;

import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge writes only through its loggers (the access log is structured JSON): no
 * standard streams and no printed stack traces in the main code of gateway-core and
 * security.
 */
class EdgeCodingRulesTests {

	@Test
	void mainCode_neverWritesToStandardStreams() {
		JavaClasses main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("io.ftgo.edge.gateway", "io.ftgo.edge.security");
		assertThat(main.contain(EdgeGatewayAutoConfiguration.class)).isTrue();
		assertThat(main.contain(EdgeSecurityAutoConfiguration.class)).isTrue();

		NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS.check(main);
	}

}
