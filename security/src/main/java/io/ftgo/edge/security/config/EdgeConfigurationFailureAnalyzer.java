package io.ftgo.edge.security.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * Turns an {@link InvalidEdgeConfigurationException} anywhere in a start-up failure's
 * causes into Spring Boot's "APPLICATION FAILED TO START" report: the key, the value,
 * what is expected and the fix, instead of a bean-creation stack trace. Registered in
 * {@code META-INF/spring.factories}; ordered first, before Boot's generic bind-failure
 * analyzers.
 */
public class EdgeConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidEdgeConfigurationException>
		implements Ordered {

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidEdgeConfigurationException cause) {
		String description = "Invalid edge setting:\n\n    Property: " + cause.getKey() + "\n    Value:    "
				+ cause.getValue() + "\n    Expected: " + cause.getExpected();
		String action = (cause.getMovedTo() != null)
				? "Rename '" + cause.getKey() + "' to '" + cause.getMovedTo()
						+ "' (in application.yaml, an environment variable or a system property), keeping its value."
				: "Change '" + cause.getKey() + "' to " + cause.getExpected()
						+ " (in application.yaml, an environment variable or a system property), or remove it to use"
						+ " the default.";
		return new FailureAnalysis(description, action, cause);
	}

}
