package io.hubbub.core.feature;

import io.hubbub.core.config.Checks;

/**
 * A feature's configuration section ({@code features.<name>}): implemented by an immutable record
 * whose components carry {@link io.hubbub.core.config.Doc} lines and whose first component is
 * {@code boolean enabled}. Supported field types are those of the server's own configuration
 * (String, int, long, double, boolean, Duration, ByteSize, enums, List&lt;String&gt;, Map&lt;String,String&gt;,
 * nested records).
 */
public interface FeatureSettings {

    /** False: the feature is not installed at all. */
    boolean enabled();

    /**
     * Adds this section's problems to {@code c}; every key is written in full, starting with
     * {@code prefix} (e.g. {@code features.chat.}). Production rules: {@link Checks#production()}.
     */
    default void validate(Checks c, String prefix) {}
}
