package io.ftgo.edge.gateway.config;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;

import io.ftgo.edge.gateway.support.KeepAliveReadResume;

/**
 * The separate management server (a child context with its own Netty server factory,
 * which does not see the application's server customizers) gets the same keep-alive fix
 * as the application port.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
class EdgeManagementServerConfiguration {

	@Bean
	WebServerFactoryCustomizer<NettyReactiveWebServerFactory> edgeManagementKeepAliveReadResume() {
		return (factory) -> factory.addServerCustomizers(KeepAliveReadResume::install);
	}

}
