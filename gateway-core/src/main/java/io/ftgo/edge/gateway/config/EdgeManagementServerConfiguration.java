package io.ftgo.edge.gateway.config;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;

import io.ftgo.edge.gateway.support.KeepAliveReadResume;

/**
 * The separate management server gets the same keep-alive fix as the application port.
 * Its child context builds a bare Netty server factory that the application's
 * {@code NettyServerCustomizer} beans never reach; a factory customizer declared here
 * does.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
class EdgeManagementServerConfiguration {

	@Bean
	WebServerFactoryCustomizer<NettyReactiveWebServerFactory> edgeManagementKeepAliveReadResume() {
		return (factory) -> factory.addServerCustomizers(KeepAliveReadResume::install);
	}

}
