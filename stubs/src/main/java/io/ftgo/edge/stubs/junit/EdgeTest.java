package io.ftgo.edge.stubs.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.ftgo.edge.stubs.EdgeTestEnvironment;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.test.context.ContextConfiguration;

/**
 * Runs a Spring Boot test of an edge application against the JVM's
 * {@link EdgeTestEnvironment#shared() shared edge test environment}: the six stub
 * providers, the gRPC order provider and the dev identity provider, started once per JVM.
 * <pre>{@code
 * &#64;EdgeTest
 * &#64;SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
 * class SomeIntegrationTests {
 *     static final FtgoProviders providers = EdgeTestEnvironment.shared().providers();
 * }
 * }</pre>
 * <ul>
 * <li>The application gets the environment's properties (provider URLs, issuer) and a
 * free management port of its own: read it with {@code @LocalManagementPort}. Properties
 * of {@code @SpringBootTest(properties = ...)} and {@code @DynamicPropertySource} win
 * over these.</li>
 * <li>Before each test the providers are back to their seeds
 * ({@link io.ftgo.edge.stubs.FtgoProviders#reset()}: stopped providers restarted, faults
 * and added stubs removed, journals cleared), the gRPC order provider likewise
 * ({@link io.ftgo.edge.stubs.grpc.GrpcOrderProvider#reset()}).</li>
 * <li>Test classes with the same {@code @SpringBootTest} configuration and no
 * {@code @DynamicPropertySource} of their own share one application context.</li>
 * </ul>
 * Test methods may take an {@link EdgeTestEnvironment},
 * {@link io.ftgo.edge.stubs.FtgoProviders},
 * {@link io.ftgo.edge.stubs.grpc.GrpcOrderProvider} or
 * {@link io.ftgo.edge.stubs.identity.DevIdentityProvider} parameter.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(EdgeTestEnvironmentExtension.class)
@ContextConfiguration(initializers = EdgeTestEnvironmentInitializer.class)
public @interface EdgeTest {

}
