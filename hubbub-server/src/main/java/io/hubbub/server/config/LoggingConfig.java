package io.hubbub.server.config;

import io.hubbub.core.config.Doc;
import io.hubbub.core.config.Checks;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Log output. Tokens and secrets are masked in both formats. */
public record LoggingConfig(
        @Doc("text (human-readable lines) or json (one JSON object per line).") Format format,
        @Doc("Root log level: TRACE, DEBUG, INFO, WARN, ERROR or OFF.") Level level,
        @Doc("Per-logger levels, e.g. {\"io.netty\": \"WARN\", \"io.hubbub.server.transport\": \"DEBUG\"}.") Map<String, String> loggers) {

    public enum Format {
        TEXT, JSON;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Level { TRACE, DEBUG, INFO, WARN, ERROR, OFF }

    public LoggingConfig {
        loggers = loggers == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(loggers));
    }

    public static LoggingConfig defaults() {
        return new LoggingConfig(Format.TEXT, Level.INFO, Map.of());
    }

    void validate(Checks c) {
        loggers.forEach((name, lvl) -> {
            try {
                Level.valueOf(lvl.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                c.fail("logging.loggers." + name, "must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, got '" + lvl + "'");
            }
        });
    }
}
