package io.ftgo.edge.authserver;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerProperties;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

class IdentityConfigurationTests {

	static final String PASSWORD = "{noop}password";

	@Test
	void validSettings_pass() {
		assertThatNoException().isThrownBy(() -> IdentityConfiguration
			.validate(identity(Duration.ofMinutes(10), "partner-ajanta"), server(Duration.ofMinutes(5))));
	}

	@Test
	void overlapShorterThanATokenLifetime_stopsStartUpNamingTheKey() {
		assertThatIllegalStateException()
			.isThrownBy(() -> IdentityConfiguration.validate(identity(Duration.ofMinutes(1), "partner-ajanta"),
					server(Duration.ofMinutes(5))))
			.withMessageStartingWith("ftgo.identity.keys.retire-after: PT1M (expected: at least");
	}

	@Test
	void partnerThatIsNoRegisteredClient_stopsStartUpNamingTheKey() {
		assertThatIllegalStateException()
			.isThrownBy(() -> IdentityConfiguration.validate(identity(Duration.ofMinutes(10), "partner-typo"),
					server(Duration.ofMinutes(5))))
			.withMessageStartingWith("ftgo.identity.partners.partner-typo: partner-typo (expected: the client id");
	}

	private static IdentityProperties identity(Duration retireAfter, String partner) {
		return new IdentityProperties("ftgo-edge", Map.of("alice", new IdentityProperties.User(PASSWORD, 1001L)),
				Map.of(partner, new IdentityProperties.Partner("standard", List.of(501L))),
				new IdentityProperties.Keys(retireAfter), new IdentityProperties.Admin("key-admin", PASSWORD));
	}

	private static OAuth2AuthorizationServerProperties server(Duration accessTokenTtl) {
		OAuth2AuthorizationServerProperties server = new OAuth2AuthorizationServerProperties();
		server.setIssuer("http://localhost:9000");
		OAuth2AuthorizationServerProperties.Client client = new OAuth2AuthorizationServerProperties.Client();
		client.getRegistration().setClientId("partner-ajanta");
		client.getToken().setAccessTokenTimeToLive(accessTokenTtl);
		server.getClient().put("partner-ajanta", client);
		return server;
	}

}
