package io.ftgo.edge.gateway.support.logging;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;
import org.slf4j.spi.LocationAwareLogger;

/**
 * The commons-logging factory of every edge application (registered as a
 * {@code META-INF/services/org.apache.commons.logging.LogFactory} service, which
 * commons-logging prefers to its built-in SLF4J bridge). It logs to SLF4J like the
 * built-in bridge, with one difference: a message is turned into a string only when its
 * level is enabled. The built-in bridge calls {@code String.valueOf(message)} first and
 * lets Logback drop the result, so the lazy {@code LogMessage.format(...)} debug messages
 * that Spring Security and Spring Web write on every request were formatted and thrown
 * away on every request.
 */
public final class LevelCheckingLogFactory extends LogFactory {

	private static final Marker MARKER = MarkerFactory.getMarker("COMMONS-LOGGING");

	private final ConcurrentMap<String, Log> loggers = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, Object> attributes = new ConcurrentHashMap<>();

	@Override
	public Log getInstance(Class<?> clazz) {
		return getInstance(clazz.getName());
	}

	@Override
	public Log getInstance(String name) {
		return this.loggers.computeIfAbsent(name, (n) -> new LevelCheckingLog(LoggerFactory.getLogger(n)));
	}

	@Override
	public Object getAttribute(String name) {
		return this.attributes.get(name);
	}

	@Override
	public String[] getAttributeNames() {
		return this.attributes.keySet().toArray(new String[0]);
	}

	@Override
	public void release() {
		this.loggers.clear();
	}

	@Override
	public void removeAttribute(String name) {
		this.attributes.remove(name);
	}

	@Override
	public void setAttribute(String name, Object value) {
		if (value != null) {
			this.attributes.put(name, value);
		}
		else {
			this.attributes.remove(name);
		}
	}

	/** One logger: the level is checked before the message becomes a string. */
	static final class LevelCheckingLog implements Log {

		private static final String FQCN = LevelCheckingLog.class.getName();

		private static final Object[] NO_ARGUMENTS = {};

		private final org.slf4j.Logger logger;

		private final LocationAwareLogger locationAware;

		LevelCheckingLog(org.slf4j.Logger logger) {
			this.logger = logger;
			this.locationAware = (logger instanceof LocationAwareLogger aware) ? aware : null;
		}

		private void log(int level, Object message, Throwable t) {
			String text = String.valueOf(message);
			if (this.locationAware != null) {
				this.locationAware.log(MARKER, FQCN, level, text, NO_ARGUMENTS, t);
				return;
			}
			switch (level) {
				case LocationAwareLogger.TRACE_INT -> this.logger.trace(MARKER, text, t);
				case LocationAwareLogger.DEBUG_INT -> this.logger.debug(MARKER, text, t);
				case LocationAwareLogger.INFO_INT -> this.logger.info(MARKER, text, t);
				case LocationAwareLogger.WARN_INT -> this.logger.warn(MARKER, text, t);
				default -> this.logger.error(MARKER, text, t);
			}
		}

		@Override
		public boolean isTraceEnabled() {
			return this.logger.isTraceEnabled(MARKER);
		}

		@Override
		public boolean isDebugEnabled() {
			return this.logger.isDebugEnabled(MARKER);
		}

		@Override
		public boolean isInfoEnabled() {
			return this.logger.isInfoEnabled(MARKER);
		}

		@Override
		public boolean isWarnEnabled() {
			return this.logger.isWarnEnabled(MARKER);
		}

		@Override
		public boolean isErrorEnabled() {
			return this.logger.isErrorEnabled(MARKER);
		}

		@Override
		public boolean isFatalEnabled() {
			return isErrorEnabled();
		}

		@Override
		public void trace(Object message) {
			trace(message, null);
		}

		@Override
		public void trace(Object message, Throwable t) {
			if (isTraceEnabled()) {
				log(LocationAwareLogger.TRACE_INT, message, t);
			}
		}

		@Override
		public void debug(Object message) {
			debug(message, null);
		}

		@Override
		public void debug(Object message, Throwable t) {
			if (isDebugEnabled()) {
				log(LocationAwareLogger.DEBUG_INT, message, t);
			}
		}

		@Override
		public void info(Object message) {
			info(message, null);
		}

		@Override
		public void info(Object message, Throwable t) {
			if (isInfoEnabled()) {
				log(LocationAwareLogger.INFO_INT, message, t);
			}
		}

		@Override
		public void warn(Object message) {
			warn(message, null);
		}

		@Override
		public void warn(Object message, Throwable t) {
			if (isWarnEnabled()) {
				log(LocationAwareLogger.WARN_INT, message, t);
			}
		}

		@Override
		public void error(Object message) {
			error(message, null);
		}

		@Override
		public void error(Object message, Throwable t) {
			if (isErrorEnabled()) {
				log(LocationAwareLogger.ERROR_INT, message, t);
			}
		}

		@Override
		public void fatal(Object message) {
			error(message, null);
		}

		@Override
		public void fatal(Object message, Throwable t) {
			error(message, t);
		}

	}

}
