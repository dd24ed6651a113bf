package io.ftgo.edge.stubs.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test (or every test of a class) that blocks a non-blocking thread on purpose,
 * to prove BlockHound is on: {@link BlockingCallsExtension} neither interrupts it nor
 * fails it for the calls it provokes. Nothing else may carry it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
public @interface BlockingCallsExpected {

}
