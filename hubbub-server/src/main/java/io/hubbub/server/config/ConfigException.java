package io.hubbub.server.config;

import java.util.List;

/**
 * The configuration cannot be used. {@link #problems()} lists every problem found, each a single
 * line naming the key and what to do; the CLI prints them and exits with code 2.
 */
public final class ConfigException extends RuntimeException {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("; ", problems), null, false, false);
        if (problems.isEmpty()) throw new IllegalArgumentException("a ConfigException needs at least one problem");
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    public List<String> problems() {
        return problems;
    }
}
