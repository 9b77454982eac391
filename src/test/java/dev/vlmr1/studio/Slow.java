package dev.vlmr1.studio;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * A test class that drives a browser, starts child JVMs or database servers, or trains end to end. {@code mvn test}
 * leaves these out so that it answers in under two minutes on two cores; {@code mvn verify} runs them afterwards with
 * failsafe, so CI runs everything.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("slow")
public @interface Slow {

}
