package io.ftgo.edge.authserver;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.event.EventListener;

/**
 * Spring Authorization Server as the edge's identity provider: the BFF's confidential
 * client (authorization code + PKCE, rotating refresh tokens, OpenID Connect with an
 * end-session endpoint), a public mobile client, partners' client-credentials clients,
 * the claims the edge reads, and signing keys that rotate without a restart (see
 * README.md next to this module's pom).
 */
@SpringBootApplication
@EnableConfigurationProperties(IdentityProperties.class)
public class AuthorizationServerApplication {

	/** The log line that says the server answers; launchers wait for it. */
	public static final String READY = "Authorization server ready at ";

	private static final Log logger = LogFactory.getLog(AuthorizationServerApplication.class);

	public static void main(String[] args) {
		SpringApplication.run(AuthorizationServerApplication.class, args);
	}

	@EventListener
	void ready(ApplicationReadyEvent event) {
		logger.info(READY + event.getApplicationContext()
			.getEnvironment()
			.getProperty("spring.security.oauth2.authorizationserver.issuer"));
	}

}
