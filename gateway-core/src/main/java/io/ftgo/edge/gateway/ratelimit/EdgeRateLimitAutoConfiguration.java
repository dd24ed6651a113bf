package io.ftgo.edge.gateway.ratelimit;

import org.springframework.boot.autoconfigure.AutoConfiguration;

/** Rate limiting for every request of the edge chain (placeholder: being built). */
@AutoConfiguration
public class EdgeRateLimitAutoConfiguration {

}
