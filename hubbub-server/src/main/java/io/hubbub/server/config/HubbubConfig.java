package io.hubbub.server.config;

import io.hubbub.core.config.Doc;
import io.hubbub.core.config.Checks;
import io.hubbub.core.feature.FeatureCatalog;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The one typed configuration tree of a Hubbub server: a record per subsystem, each with its
 * defaults ({@code defaults()}), a {@link Doc} line per field and its own validation.
 * Built by {@link ConfigLoader} from defaults, a file, environment variables and CLI overrides.
 * Immutable and safe to share between threads. {@code toString()} never prints secrets.
 */
public record HubbubConfig(
        @Doc("Listener, WebSocket endpoint, origins, compression and TLS.") ServerConfig server,
        @Doc("Token signing and verification, API keys, guests.") AuthConfig auth,
        @Doc("Connection, rate and queue limits.") LimitsConfig limits,
        @Doc("Server pings and dead-connection detection.") HeartbeatConfig heartbeat,
        @Doc("Room lifecycle and history defaults.") RoomsConfig rooms,
        @Doc("Presence and ephemeral signals.") PresenceConfig presence,
        @Doc("Session resume after reconnects.") RecoveryConfig recovery,
        @Doc("Database: embedded SQLite or a JDBC URL.") StorageConfig storage,
        @Doc("Message and presence engine: memory or redis.") EngineConfig engine,
        @Doc("Prometheus metrics.") MetricsConfig metrics,
        @Doc("Log format and levels.") LoggingConfig logging,
        @Doc("Memory watchdog.") MemoryConfig memory,
        @Doc("Graceful shutdown.") ShutdownConfig shutdown,
        @Doc("What a node does before it listens (warm-up).") StartupConfig startup,
        @Doc("Socket.IO compatibility endpoint.") SocketIoConfig socketio,
        @Doc("History bounds in bytes (per room, per node) and per user.") HistoryConfig history,
        @Doc("Feature modules (chat, signaling, spaces, chain, and any an application adds): features.<name>.enabled and their own settings.") FeaturesConfig features) {

    public HubbubConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(rooms, "rooms");
        Objects.requireNonNull(presence, "presence");
        Objects.requireNonNull(recovery, "recovery");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(logging, "logging");
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(shutdown, "shutdown");
        Objects.requireNonNull(startup, "startup");
        Objects.requireNonNull(socketio, "socketio");
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(features, "features");
    }

    /** Every built-in default: a working single-node dev server. */
    public static HubbubConfig defaults() {
        return new HubbubConfig(ServerConfig.defaults(), AuthConfig.defaults(), LimitsConfig.defaults(),
                HeartbeatConfig.defaults(), RoomsConfig.defaults(), PresenceConfig.defaults(), RecoveryConfig.defaults(),
                StorageConfig.defaults(), EngineConfig.defaults(), MetricsConfig.defaults(), LoggingConfig.defaults(),
                MemoryConfig.defaults(), ShutdownConfig.defaults(), StartupConfig.defaults(), SocketIoConfig.defaults(), HistoryConfig.defaults(),
                FeaturesConfig.defaults(FeatureCatalog.discover()));
    }

    /** This tree with another {@code features} section. */
    public HubbubConfig withFeatures(FeaturesConfig f) {
        return new HubbubConfig(server, auth, limits, heartbeat, rooms, presence, recovery, storage, engine, metrics, logging,
                memory, shutdown, startup, socketio, history, f);
    }

    /**
     * All problems of this tree, each {@code "dotted.key: what is wrong and what to set"};
     * empty when valid. Production rules apply when {@code server.mode} is production.
     *
     * @param explicitKeys dotted keys an operator set explicitly (some production rules demand it)
     */
    public List<String> problems(Set<String> explicitKeys) {
        Checks c = new Checks(server.mode() == ServerConfig.Mode.PRODUCTION, explicitKeys);
        server.validate(c);
        auth.validate(c);
        limits.validate(c);
        heartbeat.validate(c);
        rooms.validate(c);
        presence.validate(c);
        recovery.validate(c);
        storage.validate(c);
        engine.validate(c);
        metrics.validate(c);
        logging.validate(c);
        memory.validate(c);
        shutdown.validate(c);
        startup.validate(c);
        socketio.validate(c);
        history.validate(c);
        features.validate(c);
        if (limits.outboundQueueBytes().compareTo(server.maxFrameBytes()) < 0)
            c.fail("limits.outboundQueueBytes", "must be at least server.maxFrameBytes (" + server.maxFrameBytes() + ") so one "
                    + "maximal frame fits, got " + limits.outboundQueueBytes());
        return c.problems();
    }

    /**
     * This tree with derived values filled in: {@code server.host} from the mode, {@code server.publicUrl} from host/port/TLS,
     * {@code engine.nodeId} random, {@code storage.jdbcUrl} the embedded SQLite file.
     * Call once at startup; the result is what the server runs with.
     */
    public HubbubConfig resolved() {
        ServerConfig s = server;
        if (s.publicUrl().isBlank() || s.host().isBlank())
            s = new ServerConfig(s.effectiveHost(), s.port(), s.effectivePublicUrl(), s.mode(), s.wsPath(), s.maxFrameBytes(),
                    s.maxHttpBodyBytes(), s.handshakeTimeout(), s.idleTimeout(), s.allowedOrigins(), s.ioThreads(),
                    s.trustProxy(), s.trustedProxies(), s.compression(), s.tls());
        EngineConfig e = engine;
        if (e.nodeId().isEmpty())
            e = new EngineConfig(e.type(), "node-" + UUID.randomUUID().toString().substring(0, 8), e.nodeTtl(), e.redis());
        StorageConfig st = storage;
        if (st.jdbcUrl().isBlank())
            st = new StorageConfig(st.dataDir(), st.effectiveJdbcUrl(), st.user(), st.password(), st.poolSize(), st.connectTimeout());
        return new HubbubConfig(s, auth, limits, heartbeat, rooms, presence, recovery, st, e, metrics, logging, memory, shutdown, startup, socketio, history, features);
    }

    /** A one-line, secret-free summary for the startup banner. */
    public String summary() {
        return "mode=" + server.mode() + " listen=" + server.effectiveHost() + ":" + server.port() + " ws=" + server.wsPath()
                + " publicUrl=" + server.effectivePublicUrl() + " tls=" + server.tls().enabled()
                + " engine=" + engine.type() + (engine.type() == EngineConfig.Type.REDIS ? "(" + engine.redis().masked() + ")" : "")
                + " storage=" + storage.maskedJdbcUrl() + " guests=" + auth.allowGuests()
                + " log=" + logging.format() + "/" + logging.level() + " " + features;
    }
}
