package io.ftgo.edge.gateway.cache;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import io.ftgo.edge.security.config.InvalidEdgeConfigurationException;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EdgeCachePropertiesTests {

	private static EdgeCacheProperties withPath(String path) {
		return new EdgeCacheProperties(true, 100, DataSize.ofKilobytes(256), List.of("Accept"),
				List.of(new EdgeCacheProperties.Rule("/api/web/restaurants", Duration.ofSeconds(60), true),
						new EdgeCacheProperties.Rule(path, Duration.ofSeconds(60), true)));
	}

	@Test
	void pathPatternsThatTheFilterCanCompileAreAccepted() {
		for (String path : List.of("/api/web/restaurants/*", "/api/web/restaurants/**", "/v1/restaurants/{id}/menu",
				"/api/mobile/restaurants/*/menu")) {
			assertThatCode(() -> withPath(path).validate()).doesNotThrowAnyException();
		}
	}

	@Test
	void aPathPatternThatDoesNotParseStopsStartUpNamingTheRule() {
		assertThatThrownBy(() -> withPath("/api/{id").validate()).isInstanceOf(InvalidEdgeConfigurationException.class)
			.hasMessageContaining("edge.cache.rules[1].path: /api/{id")
			.hasMessageContaining("expected: a path pattern");
		assertThatThrownBy(() -> withPath("api/web").validate()).hasMessageContaining("edge.cache.rules[1].path");
	}

}
