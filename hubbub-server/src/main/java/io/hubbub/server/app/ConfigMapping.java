package io.hubbub.server.app;

import io.hubbub.core.config.CoreSettings;
import io.hubbub.core.engine.Engine;
import io.hubbub.core.engine.memory.MemoryEngine;
import io.hubbub.redis.RedisEngine;
import io.hubbub.redis.RedisEngineConfig;
import io.hubbub.server.auth.ExternalTokenVerifier;
import io.hubbub.server.config.EngineConfig;
import io.hubbub.server.config.HubbubConfig;
import io.hubbub.server.config.ServerConfig;
import io.hubbub.server.transport.TransportSettings;
import io.hubbub.server.transport.TrustedProxies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * What the typed configuration tree means for the parts {@link HubbubServer} wires: the core's
 * settings, the transports' settings, the engine, the external token verifier, the trusted proxies.
 * Pure mappings of an already validated {@link HubbubConfig}, except {@link #engine}, which starts
 * the engine (and connects to Redis).
 */
final class ConfigMapping {
    private static final Logger log = LoggerFactory.getLogger(HubbubServer.class);

    private ConfigMapping() {}

    /** The engine of the configuration: in-memory, or Redis (fails with {@code unavailable} if Redis cannot be reached). */
    static Engine engine(HubbubConfig c) {
        EngineConfig e = c.engine();
        if (e.type() == EngineConfig.Type.MEMORY) {
            var d = MemoryEngine.Settings.DEFAULTS;
            return new MemoryEngine(new MemoryEngine.Settings(d.sweepInterval(), d.defaultStreamTtl(), d.lastSeenCapacity(),
                    d.sessionCapacity(), d.stateLimits(), c.history().effectiveMaxTotalBytes(Runtime.getRuntime().maxMemory())));
        }
        var r = e.redis();
        List<String> uris = List.of(r.uri().split(","));
        RedisEngineConfig rc = r.cluster() ? RedisEngineConfig.cluster(uris, e.nodeId()) : RedisEngineConfig.single(uris.getFirst(), e.nodeId());
        // presence entries live 2/3 of the node TTL and are refreshed every TTL/3, so a dead node's members
        // are gone within the node TTL (plus one sweep)
        Duration presenceTtl = Duration.ofMillis(Math.max(300, e.nodeTtl().toMillis() * 2 / 3));
        Duration sweep = Duration.ofMillis(Math.max(100, Math.min(2000, e.nodeTtl().toMillis() / 5)));
        rc = rc.withPrefix(r.prefix()).withPresence(presenceTtl, sweep);
        log.info("engine redis {} (cluster={}, prefix={})", r.masked(), r.cluster(), r.prefix());
        return RedisEngine.start(rc);
    }

    /** What the pure core needs; a zero closeInactiveAfter (never) becomes a century. */
    static CoreSettings coreSettings(HubbubConfig c) {
        var l = c.limits();
        var r = c.rooms();
        return new CoreSettings(c.engine().nodeId(), l.maxConnections(), l.perUser(), l.roomsPerConnection(), l.defaultRoomCapacity(),
                l.framesPerSecond(), l.frameBurst(), Math.max(200, l.frameBurst() * 2), r.defaultHistorySize(), r.defaultHistoryTtl(),
                r.maxHistorySize(), r.emptyGrace(), r.idleAfter(),
                r.closeInactiveAfter().isZero() ? Duration.ofDays(36500) : r.closeInactiveAfter(),
                c.presence().typingTimeout(), c.recovery().resumeWindow(), c.auth().authTimeout(), c.auth().allowGuests(),
                10_000, Duration.ofSeconds(1), c.history().maxBytesPerRoom().bytes(), c.history().maxUserHistorySize());
    }

    /** What every transport needs: the port, frames, heartbeats, origins, compression, TLS, admission and queue limits. */
    static TransportSettings transportSettings(HubbubConfig c) {
        var s = c.server();
        var l = c.limits();
        return new TransportSettings(s.effectiveHost(), s.port(), s.wsPath(), (int) s.maxFrameBytes().bytes(), s.handshakeTimeout(),
                s.idleTimeout(), c.heartbeat().interval(), c.heartbeat().timeout(), s.allowedOrigins(), s.anyOriginAllowed(),
                s.compression().enabled(), (int) s.compression().minBytes().bytes(),
                s.tls().enabled() ? Path.of(s.tls().certFile()) : null, s.tls().enabled() ? Path.of(s.tls().keyFile()) : null,
                blankToNull(s.tls().keyPassword()), trustedProxies(s), l.maxConnections(), l.perIp(), l.connectsPerIpPerSecond(),
                l.outboundQueueFrames(), l.outboundQueueBytes().bytes(), (int) s.maxHttpBodyBytes().bytes(), s.ioThreads());
    }

    /** The verifier of tokens from an external issuer (auth.external), or null when it is off. */
    static ExternalTokenVerifier external(HubbubConfig c) {
        var e = c.auth().external();
        if (!e.enabled()) return null;
        String iss = blankToNull(e.issuer());
        String alg = e.algorithm().name();
        return blankToNull(e.jwksFile()) != null
                ? ExternalTokenVerifier.fromJwksFile(Path.of(e.jwksFile()), alg, iss, null, Clock.systemUTC())
                : ExternalTokenVerifier.fromPemFile(Path.of(e.publicKeyFile()), alg, iss, null, Clock.systemUTC());
    }

    /** Whose X-Forwarded-For is believed: the configured proxies when server.trustProxy is on, else no one. */
    static TrustedProxies trustedProxies(ServerConfig s) {
        return s.trustProxy() ? TrustedProxies.parse(s.trustedProxies()) : TrustedProxies.NONE;
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
