package io.hubbub.server.config;

import io.hubbub.core.config.Checks;
import io.hubbub.core.config.Doc;

import java.time.Duration;

/** What a node does between loading its configuration and listening. */
public record StartupConfig(
        @Doc("Connections a fresh node makes to itself over a loopback-only listener before it binds its port (token, welcome, "
                + "ping, close), so the JVM has compiled the connect path before its first real clients (a reconnect storm onto a "
                + "new node): -1 = automatic (30000 in production, 0 in dev), 0 = off. Costs about 1 ms of CPU per connection on a "
                + "cold JVM, paid before the node listens or joins a cluster; see docs/DEPLOY.md.") int warmupConnections,
        @Doc("Longest the warm-up may take; the node then listens with whatever it warmed.") Duration warmupTimeout) {

    /**
     * {@code warmupConnections} when automatic in production mode. Measured on 2 cores (docs/BENCHMARKS.md,
     * "How big a warm-up"): the first 10,000 real connections then cost 0.97–1.47× ws's CPU each in all six
     * runs; with 20,000 warm-up connections 1.09–1.71× (over 1.5× in 2 of 7 runs), with 10,000 1.74–1.89×.
     * The price is 21.5 s from start to listening (20,000: 16 s; 10,000: 9.5 s).
     */
    public static final int PRODUCTION_WARMUP = 30_000;

    public static StartupConfig defaults() {
        return new StartupConfig(-1, Duration.ofSeconds(60));
    }

    /** The warm-up connections this node makes in {@code mode}. */
    public int effectiveWarmupConnections(ServerConfig.Mode mode) {
        if (warmupConnections >= 0) return warmupConnections;
        return mode == ServerConfig.Mode.PRODUCTION ? PRODUCTION_WARMUP : 0;
    }

    void validate(Checks c) {
        c.range("startup.warmupConnections", warmupConnections, -1, 1_000_000);
        c.positive("startup.warmupTimeout", warmupTimeout);
    }
}
