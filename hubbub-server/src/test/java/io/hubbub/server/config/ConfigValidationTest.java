package io.hubbub.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every validation rule, through the real loader, so messages carry what an operator sees. */
class ConfigValidationTest {
    private static final String GOOD_SECRET = "k3y-".repeat(10);

    private static List<String> problems(Map<String, String> overrides) {
        try {
            new ConfigLoader().overrides(overrides).load();
            return List.of();
        } catch (ConfigException e) {
            return e.problems();
        }
    }

    private static Map<String, String> kv(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            m.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return m;
    }

    @Test
    void defaultsAreValidInDevMode() {
        assertThat(HubbubConfig.defaults().problems(java.util.Set.of())).isEmpty();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "server.port=-1                         | server.port: must be 0..65535, got -1",
            "server.port=65536                      | server.port: must be 0..65535, got 65536",
            "server.trustedProxies=localhost        | server.trustedProxies: each entry must be an IP address or CIDR block",
            "server.publicUrl=chat.example.com      | server.publicUrl: must start with http:// or https://",
            "server.wsPath=ws                       | server.wsPath: must start with '/', got 'ws'",
            "server.maxFrameBytes=100               | server.maxFrameBytes: must be at least 256",
            "server.maxFrameBytes=32MiB             | server.maxFrameBytes: must be at most 16MiB, got 32MiB",
            "server.maxHttpBodyBytes=10             | server.maxHttpBodyBytes: must be at least 1KiB",
            "server.handshakeTimeout=0              | server.handshakeTimeout: must be a positive duration, got 0s",
            "server.ioThreads=-1                    | server.ioThreads: must be 0..1024, got -1",
            "server.allowedOrigins=app.example.com  | server.allowedOrigins: each entry must be \"*\" or an origin",
            "server.compression.minBytes=1GiB       | server.compression.minBytes: must be at most 16MiB",
            "server.tls.certFile=/no/such/cert.pem  | server.tls.keyFile: must be set when server.tls.certFile is set",
            "server.tls.keyFile=/no/such/key.pem    | server.tls.keyFile: file '/no/such/key.pem' does not exist",
            "auth.jwtSecret=short                   | auth.jwtSecret: must be at least 32 bytes, got 5; set auth.jwtSecret or HUBBUB_AUTH_JWT_SECRET",
            "auth.tokenTtl=0                        | auth.tokenTtl: must be a positive duration",
            "auth.roomTokenTtl=0                    | auth.roomTokenTtl: must be a positive duration",
            "auth.authTimeout=0                     | auth.authTimeout: must be a positive duration",
            "auth.clockSkew=10m                     | auth.clockSkew: must be at most 5m, got 10m",
            "auth.apiKeys.ops=tooshort              | auth.apiKeys.ops: must be at least 16 characters, got 8",
            "auth.external.publicKeyFile=/no/k.pem  | auth.external.publicKeyFile: file '/no/k.pem' does not exist",
            "limits.maxConnections=0                | limits.maxConnections: must be at least 1, got 0",
            "limits.perUser=0                       | limits.perUser: must be 1..100000, got 0",
            "limits.perIp=200000                    | limits.perIp: must be 1..100000, got 200000",
            "limits.connectsPerIpPerSecond=0        | limits.connectsPerIpPerSecond: must be at least 1",
            "limits.framesPerSecond=0               | limits.framesPerSecond: must be at least 1",
            "limits.frameBurst=10                   | limits.frameBurst: must be at least 50, got 10",
            "limits.roomsPerConnection=0            | limits.roomsPerConnection: must be at least 1",
            "limits.defaultRoomCapacity=0           | limits.defaultRoomCapacity: must be at least 1",
            "limits.outboundQueueFrames=0           | limits.outboundQueueFrames: must be 1..1000000, got 0",
            "limits.outboundQueueBytes=1KiB         | limits.outboundQueueBytes: must be at least server.maxFrameBytes (64KiB)",
            "heartbeat.interval=0                   | heartbeat.interval: must be a positive duration",
            "heartbeat.timeout=20s                  | heartbeat.timeout: must be longer than heartbeat.interval (25s), got 20s",
            "rooms.idleAfter=0                      | rooms.idleAfter: must be a positive duration",
            "rooms.closeInactiveAfter=1m            | rooms.closeInactiveAfter: must be 0 or at least rooms.idleAfter (5m), got 1m",
            "rooms.defaultHistorySize=20000         | rooms.defaultHistorySize: must be 0..10000, got 20000",
            "rooms.maxHistorySize=2000000           | rooms.maxHistorySize: must be 0..1000000",
            "presence.typingTimeout=0               | presence.typingTimeout: must be a positive duration",
            "recovery.resumeWindow=2d               | recovery.resumeWindow: must be at most 24h, got 2d",
            "storage.dataDir=                       | storage.dataDir: must not be empty",
            "storage.jdbcUrl=postgresql://db/hubbub | storage.jdbcUrl: must start with jdbc:",
            "storage.poolSize=0                     | storage.poolSize: must be 1..1000, got 0",
            "storage.connectTimeout=0               | storage.connectTimeout: must be a positive duration",
            "engine.nodeId=bad id!                  | engine.nodeId: must be 1..64 characters",
            "engine.nodeTtl=0                       | engine.nodeTtl: must be a positive duration",
            "logging.loggers.io.netty=LOUD          | logging.loggers.io.netty: must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, got 'LOUD'",
            "memory.maxHeapFraction=1.5             | memory.maxHeapFraction: must be above 0 and at most 1.0, got 1.5",
            "memory.checkInterval=0                 | memory.checkInterval: must be a positive duration",
            "shutdown.drainTimeout=0                | shutdown.drainTimeout: must be a positive duration",
            "socketio.path=socket.io                | socketio.path: must start with '/'",
            "socketio.pingInterval=0                | socketio.pingInterval: must be a positive duration",
            "socketio.pingTimeout=0                 | socketio.pingTimeout: must be a positive duration",
            "socketio.maxPayload=100                | socketio.maxPayload: must be at least 1KiB",
            "socketio.maxPayload=1GiB               | socketio.maxPayload: must be at most 64MiB",
            "socketio.connectTimeout=0              | socketio.connectTimeout: must be a positive duration",
            // history bounds (security review item 4)
            "history.maxBytesPerRoom=100            | history.maxBytesPerRoom: must be at least 1KiB",
            "history.maxTotalBytes=4KiB             | history.maxTotalBytes: must be 0 or at least history.maxBytesPerRoom (8MiB), got 4KiB",
            "history.maxTotalHeapFraction=0.9       | history.maxTotalHeapFraction: must be above 0 and at most 0.5, got 0.9",
            "history.maxUserHistorySize=-1          | history.maxUserHistorySize: must be 0..1000000, got -1",
    })
    void eachRuleNamesTheKeyAndTheValue(String override, String expected) {
        List<String> problems = problems(kv(override));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith(expected));
    }

    @Test
    void redisSettingsAreCheckedOnlyWhenRedisIsTheEngine() {
        assertThat(problems(kv("engine.redis.uri=http://x", "engine.redis.prefix=has space"))).isEmpty();
        List<String> p = problems(kv("engine.type=redis", "engine.redis.uri=http://:pw@x", "engine.redis.prefix=has space"));
        assertThat(p).anySatisfy(s -> assertThat(s).startsWith("engine.redis.uri: must start with redis:// or rediss://")
                .doesNotContain(":pw@"));
        assertThat(p).anySatisfy(s -> assertThat(s).startsWith("engine.redis.prefix: must be 1..64 characters"));
    }

    @Test
    void externalKeySourcesAreExclusive() {
        assertThat(problems(kv("auth.external.publicKeyFile=/a", "auth.external.jwksFile=/b")))
                .anySatisfy(p -> assertThat(p).startsWith("auth.external: set either publicKeyFile or jwksFile, not both"));
    }

    @Test
    void severalProblemsAreReportedTogether() {
        assertThat(problems(kv("server.port=-1", "limits.perUser=0", "heartbeat.interval=0"))).hasSize(3);
    }

    @Test
    void productionRefusesTheDevSecretEmptyOriginsAndImplicitGuests() {
        List<String> p = problems(kv("server.mode=production"));
        assertThat(p).hasSize(3);
        assertThat(p).anySatisfy(s -> assertThat(s).startsWith("auth.jwtSecret: production mode refuses the built-in dev secret")
                .contains("HUBBUB_AUTH_JWT_SECRET"));
        assertThat(p).anySatisfy(s -> assertThat(s).startsWith("server.allowedOrigins: production mode needs")
                .contains("HUBBUB_SERVER_ALLOWED_ORIGINS"));
        assertThat(p).anySatisfy(s -> assertThat(s).startsWith("auth.allowGuests: production mode needs an explicit choice")
                .contains("true or false"));
    }

    @Test
    void productionRefusesAShortSecretAndShortApiKeys() {
        List<String> p = problems(kv("server.mode=production", "auth.jwtSecret=only-twenty-bytes-xx", "auth.allowGuests=false",
                "server.allowedOrigins=https://app.example.com", "auth.apiKeys.ops=sixteen-chars-ok-in-dev"));
        assertThat(p).containsExactlyInAnyOrder(
                "auth.jwtSecret: must be at least 32 bytes, got 20; set auth.jwtSecret or HUBBUB_AUTH_JWT_SECRET to a random value "
                        + "of at least 32 bytes (e.g. the output of `openssl rand -base64 48`) (from command-line override auth.jwtSecret)",
                "auth.apiKeys.ops: must be at least 32 characters, got 23 (from command-line override auth.apiKeys.ops)");
        assertThat(problems(kv("auth.apiKeys.ops=sixteen-chars-ok-in-dev"))).isEmpty();
    }

    @Test
    void productionAcceptsExplicitSecureSettings() {
        ConfigLoader.Loaded loaded = new ConfigLoader().env(Map.of("HUBBUB_AUTH_JWT_SECRET", GOOD_SECRET))
                .overrides(kv("server.mode=production", "auth.allowGuests=true", "server.allowedOrigins=*")).load();
        assertThat(loaded.config().server().mode()).isEqualTo(ServerConfig.Mode.PRODUCTION);
        assertThat(loaded.config().server().anyOriginAllowed()).isTrue();
        assertThat(loaded.config().auth().allowGuests()).isTrue();
    }

    @Test
    void devModeAllowsAnyOriginWhenTheListIsEmpty() {
        assertThat(HubbubConfig.defaults().server().anyOriginAllowed()).isTrue();
        HubbubConfig c = new ConfigLoader().set("server.allowedOrigins", "https://a.example").load().config();
        assertThat(c.server().anyOriginAllowed()).isFalse();
    }
}
