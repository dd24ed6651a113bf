package io.ftgo.edge.gateway.it;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An application that is nothing but gateway-core: routes come from test properties. */
@SpringBootApplication
public class EdgeTestApplication {

}
