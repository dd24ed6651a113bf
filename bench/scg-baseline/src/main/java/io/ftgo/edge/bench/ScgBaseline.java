package io.ftgo.edge.bench;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Spring Cloud Gateway alone, with the benchmark's route given on the command line
 * ({@code --spring.cloud.gateway.server.webflux.routes[0]...}): no security, actuator,
 * metrics or edge filters. The same JVM flags as the edge under test.
 */
@SpringBootApplication
public class ScgBaseline {

	public static void main(String[] args) {
		SpringApplication.run(ScgBaseline.class, args);
	}

}
