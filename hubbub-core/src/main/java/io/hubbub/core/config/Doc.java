package io.hubbub.core.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One line of operator documentation for a configuration field. Read at runtime by
 * the server's defaults writer ({@code hubbub config defaults}), so every field documents itself beside
 * its declaration.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Doc {
    String value();
}
