package io.ftgo.edge.authserver;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SigningKeysTests {

	Instant now = Instant.parse("2026-12-05T12:00:00Z");

	final Clock clock = new Clock() {

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return SigningKeysTests.this.now;
		}

	};

	final SigningKeys keys = new SigningKeys(Duration.ofMinutes(10), this.clock);

	@Test
	void rotate_newKeySigns_replacedKeyStaysPublished() {
		String first = this.keys.signingKid();

		SigningKeys.State state = this.keys.rotate();

		assertThat(state.signing()).isNotEqualTo(first).isEqualTo(this.keys.signingKid());
		assertThat(state.published()).containsExactly(state.signing(), first);
		assertThat(kids(all())).containsExactlyInAnyOrder(state.signing(), first);
	}

	@Test
	void retire_keepsReplacedKeysUntilTheirOverlapEnds_forceDropsThemAtOnce() {
		String first = this.keys.signingKid();
		String second = this.keys.rotate().signing();

		this.now = this.now.plus(Duration.ofMinutes(9));
		assertThat(this.keys.retire(false).published()).containsExactly(second, first);
		this.now = this.now.plus(Duration.ofMinutes(1));
		assertThat(this.keys.retire(false).published()).containsExactly(second);

		String third = this.keys.rotate().signing();
		assertThat(this.keys.retire(true).published()).containsExactly(third);
	}

	@Test
	void rotate_dropsReplacedKeysAlreadyPastTheirOverlap() {
		String first = this.keys.signingKid();
		String second = this.keys.rotate().signing();
		this.now = this.now.plus(Duration.ofMinutes(11));

		String third = this.keys.rotate().signing();

		assertThat(this.keys.state().published()).containsExactly(third, second).doesNotContain(first);
	}

	private List<JWK> all() {
		return this.keys.get(new JWKSelector(new JWKMatcher.Builder().build()), null);
	}

	private static List<String> kids(List<JWK> keys) {
		return keys.stream().map(JWK::getKeyID).toList();
	}

}
