package io.ftgo.edge.bff.web;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * bff-web: the browser app's Backend-for-Frontend. Routes, compositions and limits are in
 * {@code application.yaml}; this module adds only what YAML cannot express.
 */
@SpringBootApplication
public class WebBffApplication {

	public static void main(String[] args) {
		SpringApplication.run(WebBffApplication.class, args);
	}

}
