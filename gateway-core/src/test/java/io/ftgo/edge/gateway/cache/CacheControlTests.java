package io.ftgo.edge.gateway.cache;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Parsing of a provider's {@code Cache-Control}: hostile and malformed values make the
 * cache stricter, never more permissive.
 */
class CacheControlTests {

	@Test
	void sMaxAgeWinsOverMaxAge_andStaleExtensionsAreRead() {
		CacheControl control = CacheControl
			.parse(List.of("public, max-age=60, s-maxage=30", "stale-while-revalidate=10, stale-if-error=20"));

		assertThat(control.noStore()).isFalse();
		assertThat(control.maxAge()).isEqualTo(Duration.ofSeconds(30));
		assertThat(control.staleWhileRevalidate()).isEqualTo(Duration.ofSeconds(10));
		assertThat(control.staleIfError()).isEqualTo(Duration.ofSeconds(20));
	}

	@Test
	void malformedOrNegativeMaxAge_isStaleAtOnce() {
		for (String value : List.of("max-age=-1", "max-age=abc", "max-age=1e3", "max-age=", "s-maxage=-5")) {
			assertThat(CacheControl.parse(List.of(value)).maxAge()).as(value).isEqualTo(Duration.ZERO);
		}
	}

	@Test
	void repeatedMaxAge_keepsTheSmallest() {
		assertThat(CacheControl.parse(List.of("max-age=0, max-age=86400")).maxAge()).isEqualTo(Duration.ZERO);
		assertThat(CacheControl.parse(List.of("max-age=86400", "max-age=5")).maxAge()).isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void hugeMaxAge_cappedAtOneDay() {
		assertThat(CacheControl.parse(List.of("max-age=9999999999")).maxAge()).isEqualTo(CacheControl.MAX);
	}

	@Test
	void mustRevalidate_forbidsServingStale() {
		for (String revalidate : List.of("must-revalidate", "proxy-revalidate")) {
			CacheControl control = CacheControl
				.parse(List.of("max-age=1, stale-while-revalidate=30, stale-if-error=60, " + revalidate));
			assertThat(control.maxAge()).isEqualTo(Duration.ofSeconds(1));
			assertThat(control.staleWhileRevalidate()).as(revalidate).isZero();
			assertThat(control.staleIfError()).as(revalidate).isZero();
		}
	}

	@Test
	void noStoreNoCacheAndPrivate_areNotStored() {
		for (String value : List.of("no-store", "no-cache", "private, max-age=60")) {
			assertThat(CacheControl.parse(List.of(value)).noStore()).as(value).isTrue();
		}
	}

}
