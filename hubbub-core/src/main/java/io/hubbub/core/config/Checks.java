package io.hubbub.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Collects validation problems for one configuration tree. Each subsystem record's (and each feature's)
 * {@code validate} adds its problems here; every message starts with the dotted key and says what
 * is allowed and what was given, e.g. {@code server.port: must be 0..65535, got 70000}.
 * Not thread-safe: one instance per validation run.
 */
public final class Checks {
    private final boolean production;
    private final Set<String> explicitKeys;
    private final List<String> problems = new ArrayList<>();

    /**
     * @param production   whether production rules apply ({@code --production})
     * @param explicitKeys the dotted keys an operator set (file, environment or CLI), for rules
     *                     that demand an explicit choice in production
     */
    public Checks(boolean production, Set<String> explicitKeys) {
        this.production = production;
        this.explicitKeys = Set.copyOf(explicitKeys);
    }

    public boolean production() {
        return production;
    }

    public boolean isExplicit(String key) {
        return explicitKeys.contains(key);
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    public void fail(String key, String message) {
        problems.add(key + ": " + message);
    }

    public void require(boolean ok, String key, String message) {
        if (!ok) fail(key, message);
    }

    public void range(String key, long value, long min, long max) {
        if (value < min || value > max) fail(key, "must be " + min + ".." + max + ", got " + value);
    }

    public void atLeast(String key, long value, long min) {
        if (value < min) fail(key, "must be at least " + min + ", got " + value);
    }

    public void positive(String key, Duration value) {
        if (value.isZero() || value.isNegative()) fail(key, "must be a positive duration, got " + Durations.format(value));
    }

    public void notNegative(String key, Duration value) {
        if (value.isNegative()) fail(key, "must not be negative, got " + Durations.format(value));
    }

    public void atLeast(String key, ByteSize value, ByteSize min) {
        if (value.compareTo(min) < 0) fail(key, "must be at least " + min + ", got " + value);
    }

    public void notBlank(String key, String value) {
        if (value == null || value.isBlank()) fail(key, "must not be empty");
    }
}
