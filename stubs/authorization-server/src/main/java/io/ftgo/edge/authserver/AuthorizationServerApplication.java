package io.ftgo.edge.authserver;

import java.util.concurrent.CompletableFuture;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
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

	/**
	 * Says it is ready; with {@code ftgo.owner-pid} (a launcher's process id, e.g. a test
	 * JVM's) it also stops when that process ends, however it ends, so no server outlives
	 * the tests that started it.
	 */
	@EventListener
	void ready(ApplicationReadyEvent event) {
		ConfigurableApplicationContext context = event.getApplicationContext();
		Long owner = context.getEnvironment().getProperty("ftgo.owner-pid", Long.class);
		if (owner != null) {
			ProcessHandle.of(owner)
				.map(ProcessHandle::onExit)
				.orElseGet(() -> CompletableFuture.completedFuture(null))
				.thenRun(() -> {
					logger.info("Process " + owner + " ended: stopping");
					System.exit(SpringApplication.exit(context));
				});
		}
		logger.info(READY + context.getEnvironment().getProperty("spring.security.oauth2.authorizationserver.issuer"));
	}

}
