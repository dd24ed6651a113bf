package io.ftgo.edge.bff.mobile;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * bff-mobile: the native app's Backend-for-Frontend. Routes, compositions and limits are
 * in {@code application.yaml}; {@link MobileShapes} holds the response shapes.
 */
@SpringBootApplication
public class MobileBffApplication {

	public static void main(String[] args) {
		SpringApplication.run(MobileBffApplication.class, args);
	}

}
