package io.ftgo.edge.gateway.support.logging;

import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

class LevelCheckingLogFactoryTests {

	private static final String NAME = "io.ftgo.edge.test.LevelChecking";

	private final Logger logback = (Logger) LoggerFactory.getLogger(NAME);

	private final ListAppender<ILoggingEvent> events = new ListAppender<>();

	@BeforeEach
	void attach() {
		this.events.start();
		this.logback.addAppender(this.events);
		this.logback.setAdditive(false);
	}

	@AfterEach
	void detach() {
		this.logback.detachAppender(this.events);
		this.logback.setLevel(null);
		this.logback.setAdditive(true);
	}

	@Test
	void commonsLoggingFindsTheEdgeFactory() {
		assertThat(LogFactory.getFactory()).isInstanceOf(LevelCheckingLogFactory.class);
		assertThat(LogFactory.getLog(NAME)).isInstanceOf(LevelCheckingLogFactory.LevelCheckingLog.class);
	}

	@Test
	void aMessageBelowTheLevelIsNeverTurnedIntoAString() {
		this.logback.setLevel(Level.INFO);
		Log log = LogFactory.getLog(NAME);
		CountingMessage message = new CountingMessage("expensive");
		log.debug(message);
		log.trace(message, new IllegalStateException());
		assertThat(message.formatted).hasValue(0);
		assertThat(this.events.list).isEmpty();
	}

	@Test
	void aMessageAtAnEnabledLevelIsLoggedOnceWithItsThrowable() {
		this.logback.setLevel(Level.DEBUG);
		Log log = LogFactory.getLog(NAME);
		CountingMessage message = new CountingMessage("wanted");
		IllegalStateException error = new IllegalStateException("boom");
		log.debug(message, error);
		log.warn("plain");
		assertThat(message.formatted).hasValue(1);
		assertThat(this.events.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("wanted", "plain");
		assertThat(this.events.list.get(0).getLevel()).isEqualTo(Level.DEBUG);
		assertThat(this.events.list.get(0).getThrowableProxy().getMessage()).isEqualTo("boom");
		assertThat(this.events.list.get(1).getLevel()).isEqualTo(Level.WARN);
	}

	/** A message that counts how often it is formatted (like Spring's LogMessage). */
	private static final class CountingMessage {

		private final String text;

		final AtomicInteger formatted = new AtomicInteger();

		CountingMessage(String text) {
			this.text = text;
		}

		@Override
		public String toString() {
			this.formatted.incrementAndGet();
			return this.text;
		}

	}

}
