package io.ftgo.edge.bff.partner;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * bff-public: the partner API's Backend-for-Frontend. Routes, compositions, API keys and
 * limits are in {@code application.yaml}; this module adds the response shapes of v1 and
 * v2, API versioning and the OpenAPI document.
 */
@SpringBootApplication
public class PublicBffApplication {

	public static void main(String[] args) {
		SpringApplication.run(PublicBffApplication.class, args);
	}

}
