package io.hubbub.server.app;

import io.hubbub.core.auth.Principal;
import io.hubbub.core.auth.TokenVerifier;
import io.hubbub.core.engine.Engine;
import io.hubbub.core.room.RoomCreationLimits;
import io.hubbub.core.node.HubbubNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.auth.SignInThrottle;
import io.hubbub.server.auth.TokenRevocation;
import io.hubbub.server.auth.AccountService;
import io.hubbub.server.auth.ApiKeys;
import io.hubbub.server.auth.JwtService;
import io.hubbub.server.auth.PasswordHasher;
import io.hubbub.server.cli.VersionInfo;
import io.hubbub.server.cluster.ClusterRoutes;
import io.hubbub.server.cluster.ClusterService;
import io.hubbub.server.config.AuthConfig;
import io.hubbub.server.config.HubbubConfig;
import io.hubbub.server.feature.FeatureHost;
import io.hubbub.redis.RedisEngine;
import io.hubbub.server.http.AuthRoutes;
import io.hubbub.server.http.HttpApi;
import io.hubbub.server.http.HttpCall;
import io.hubbub.server.http.OpsRoutes;
import io.hubbub.server.http.PublishRoutes;
import io.hubbub.server.http.RoomRoutes;
import io.hubbub.server.http.UserAdminRoutes;
import io.hubbub.server.metrics.HubbubMetrics;
import io.hubbub.server.ops.MemoryWatchdog;
import io.hubbub.server.ops.Rates;
import io.hubbub.server.protocol.nativejson.NativeWebSocketEndpoint;
import io.hubbub.server.protocol.socketio.SocketIoServer;
import io.hubbub.server.protocol.socketio.conformance.ConformanceApp;
import io.hubbub.server.protocol.socketio.hubbub.HubbubSocketIo;
import io.hubbub.server.protocol.socketio.hubbub.Relay;
import io.hubbub.server.transport.engineio.EngineIoConfig;
import io.hubbub.server.transport.engineio.EngineIoEndpoint;
import io.hubbub.server.transport.engineio.EngineIoHandler;
import io.hubbub.server.transport.engineio.EngineIoServer;
import io.hubbub.server.transport.engineio.PollingForwarder;
import io.hubbub.server.transport.ConnectionLimiter;
import io.hubbub.server.transport.DescriptorReserve;
import io.hubbub.server.transport.HttpEndpoint;
import io.hubbub.server.transport.HubbubTransport;
import io.hubbub.server.transport.TransportSettings;
import io.hubbub.server.transport.TransportStats;
import io.hubbub.store.Database;
import io.hubbub.store.JdbiRoomRepository;
import io.hubbub.store.JdbiUserRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Wires a Hubbub server from its configuration: database → auth → engine → core node → metrics →
 * endpoints → transport, and takes it down in the reverse order with a graceful drain. The only
 * place that knows every part; nothing else depends on this class. What the configuration means for
 * each part is {@link ConfigMapping}'s.
 *
 * <p>Blocking work (JDBC, Argon2) runs on virtual threads ({@link #blocking}); event loops never block.
 */
public final class HubbubServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HubbubServer.class);

    private final HubbubConfig config;
    private final Database db;
    private final JwtService jwt;
    private final ApiKeys apiKeys;
    private final AccountService accounts;
    private final TokenRevocation revocation;
    private final Engine engine;
    private final HubbubNode node;
    private final HubbubMetrics metrics;
    private final HubbubTransport transport;
    private final HttpApi httpApi;
    private final FeatureHost features;
    private final ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timers;
    private final ClusterService cluster; // a cluster of one with the memory engine
    private final TransportStats stats = new TransportStats();
    private final List<HttpEndpoint> extraEndpoints;
    private SocketIoServer socketIo;
    private PollingForwarder forwarder; // Socket.IO polling across nodes; null on a single node
    private ConformanceApp conformance;
    private volatile boolean closed;
    private Warmup.Outcome warmup; // null: no warm-up ran

    private HubbubServer(HubbubConfig config, List<HttpEndpoint> extraEndpoints) throws Exception {
        this.config = config;
        this.extraEndpoints = extraEndpoints;
        var auth = config.auth();
        var storage = config.storage();
        this.db = Database.open(storage.effectiveJdbcUrl(), ConfigMapping.blankToNull(storage.user()), ConfigMapping.blankToNull(storage.password()),
                storage.poolSize());
        try {
            int applied = db.migrate();
            if (applied > 0) log.info("database migrated ({} migrations applied)", applied);
        } catch (RuntimeException e) {
            log.error("database unavailable at startup ({}); serving without it, /ready reports false", e.getMessage());
        }
        if (devSecretExposed(config)) log.warn(DEV_SECRET_WARNING, config.server().effectiveHost());
        byte[] secret = auth.jwtSecret().getBytes(StandardCharsets.UTF_8);
        this.jwt = new JwtService(secret, auth.tokenTtl(), ConfigMapping.external(config), Clock.systemUTC());
        this.apiKeys = auth.apiKeys().isEmpty() ? ApiKeys.none() : new ApiKeys(auth.apiKeys());
        var users = new JdbiUserRepository(db);
        this.metrics = new HubbubMetrics();
        var lookups = io.micrometer.core.instrument.Counter.builder("hubbub_token_revocation_lookups")
                .description("Per-user database lookups of token revocation (what the node-wide view of recent revocations could not decide)")
                .register(metrics.registry());
        // the view must cover every token this server issues: the longer of the token and room-token lifetimes
        Duration window = (auth.tokenTtl().compareTo(JwtService.MAX_ROOM_TOKEN_TTL) > 0 ? auth.tokenTtl() : JwtService.MAX_ROOM_TOKEN_TTL)
                .plus(JwtService.CLOCK_SKEW);
        this.revocation = new TokenRevocation(users, auth.requireAccount(), window, Clock.systemUTC(), lookups::increment);
        revocation.refresh(); // the first connections of a fresh node are decided without a lookup each
        this.accounts = new AccountService(users, new PasswordHasher(), jwt, Clock.systemUTC(),
                auth.effectiveMaxConcurrentHashes(), () -> metrics.limitHit("password_hashes"));
        this.engine = ConfigMapping.engine(config);
        TokenVerifier verifier = token -> apiKeys.find(token).orElseGet(() -> jwt.verify(token));
        this.node = new HubbubNode(ConfigMapping.coreSettings(config), engine, verifier, new JdbiRoomRepository(db),
                derive(secret, "resume"), blocking, metrics);
        // revoked tokens and (auth.requireAccount) unknown users: checked as a connection authenticates, off the loop
        node.onConnect(session -> revocation.checkAsync(session.principal(), blocking));
        try {
            node.start();
        } catch (RuntimeException e) {
            log.error("could not load persistent rooms: {}", e.getMessage());
        }
        var lim = config.limits();
        node.rooms().creationLimits(new RoomCreationLimits(lim.roomCreatesPerUserPerMinute(), lim.persistentRoomsPerUser()));
        var welcome = Json.object();
        welcome.putObject("heartbeat").put("intervalMs", config.heartbeat().interval().toMillis())
                .put("timeoutMs", config.heartbeat().timeout().toMillis());
        welcome.putObject("limits").put("maxFrameBytes", config.server().maxFrameBytes().bytes())
                .put("framesPerSecond", config.limits().framesPerSecond()).put("roomsPerConnection", config.limits().roomsPerConnection());
        node.welcomeExtras(welcome);

        TransportSettings ts = ConfigMapping.transportSettings(config);
        DescriptorReserve descriptors = new DescriptorReserve(config.limits().fileDescriptorReserve());
        ConnectionLimiter limiter = new ConnectionLimiter(ts.maxConnections(), ts.maxConnectionsPerIp(), ts.connectsPerIpPerSecond(), descriptors);
        stats.bind(limiter, descriptors);
        MemoryWatchdog watchdog = new MemoryWatchdog(config.memory().maxHeapFraction(), node.rooms());
        Rates rates = new Rates(stats::framesIn, stats::framesOut);
        metrics.bind(node, stats);

        HttpApi api = new HttpApi(blocking, this::authenticate, ts, metrics);
        this.httpApi = api;
        OpsRoutes.register(api, node, db, metrics, watchdog, rates, VersionInfo.version(), config.metrics().enabled(),
                this::featureStatuses); // features are installed below
        var attempts = AuthRoutes.limiter(auth.attemptsPerSecond(), auth.attemptBurst());
        var throttle = new SignInThrottle(auth.accountFailuresBeforeDelay(), auth.accountBaseDelay(), auth.accountMaxDelay(), 100_000, Clock.systemUTC());
        AuthRoutes.register(api, accounts, jwt, node.rooms(), auth.roomTokenTtl(), auth.signupEnabled(), attempts, throttle,
                revocation, user -> node.disconnectUser(user, AuthRoutes.SIGNED_OUT));
        PublishRoutes.register(api, node);
        RoomRoutes.register(api, node);
        UserAdminRoutes.register(api, new io.hubbub.server.auth.AccountRoles(users, revocation::revokeThroughThisSecond),
                user -> node.disconnectUser(user, UserAdminRoutes.ROLE_CHANGED));
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hubbub-ops");
            t.setDaemon(true);
            return t;
        });
        // With the memory engine this node is a cluster of one: /api/cluster and /api/route answer with itself.
        this.cluster = new ClusterService(node, engine, config.server().wsPath(), config.engine().nodeTtl(),
                config.recovery().resumeWindow(), timers, engine instanceof RedisEngine);
        ClusterRoutes.register(api, cluster);
        // Features register through the same public API as the built-in handlers above (FeatureContext).
        this.features = new FeatureHost(node, api, db, metrics.registry(), blocking, Clock.systemUTC());
        features.provide(io.hubbub.core.auth.Accounts.class, new io.hubbub.server.auth.AccountsPort(accounts, verifier));
        features.provide(io.hubbub.core.feature.ServerMode.class,
                new io.hubbub.core.feature.ServerMode(config.server().mode() == io.hubbub.server.config.ServerConfig.Mode.PRODUCTION));
        features.provide(io.hubbub.core.auth.TokenVerifier.class, node.tokens()); // features that check tokens themselves (signaling)
        features.provide(io.hubbub.core.engine.Leases.class, engine.leases());
        features.provide(io.hubbub.core.engine.SortedSets.class, engine.sortedSets());
        features.provide(io.hubbub.core.api.NodeIdentity.class, new io.hubbub.core.api.NodeIdentity(node.settings().nodeId()));
        features.installAll(config.features());

        List<HttpEndpoint> endpoints = new ArrayList<>();
        endpoints.add(new NativeWebSocketEndpoint(node, ts, limiter, stats, watchdog::overloaded));
        endpoints.addAll(socketIoEndpoints(config, ts, limiter, watchdog));
        for (FeatureHost.AdapterRoute a : features.adapters())
            endpoints.add(NativeWebSocketEndpoint.adapter(node, ts, limiter, stats, watchdog::overloaded, a.path(), a.adapter()));
        endpoints.addAll(extraEndpoints);
        for (FeatureHost.AssetRoute a : features.assets()) endpoints.add(new io.hubbub.server.feature.FeatureAssets(a, blocking));
        endpoints.add(api);
        TransportSettings wire = ts;
        if (config.socketio().enabled()) {
            int sio = (int) Math.min(Integer.MAX_VALUE - 1024, config.socketio().maxPayload().bytes()) + 1024;
            wire = ts.withMaxHttpBodyBytes(Math.max(ts.maxHttpBodyBytes(), sio));
        }
        int warm = config.startup().effectiveWarmupConnections(config.server().mode());
        this.transport = new HubbubTransport(wire, endpoints, descriptors, warm == 0 ? null
                : loopback -> warmup = Warmup.node(loopback, warm, config.server().wsPath(),
                        config.socketio().enabled() && !config.socketio().conformance() ? config.socketio().mountPath() : null,
                        config.startup().warmupTimeout(), jwt, node, limiter));

        long check = config.memory().checkInterval().toMillis();
        timers.scheduleWithFixedDelay(watchdog, check, check, TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(throttle::sweep, 60, 60, TimeUnit.SECONDS);
        timers.scheduleAtFixedRate(rates, 1, 1, TimeUnit.SECONDS);
        timers.scheduleWithFixedDelay(limiter::sweep, 10, 10, TimeUnit.SECONDS);
        revocation.refreshEvery(timers, blocking);
        timers.scheduleWithFixedDelay(attempts::sweep, 10, 10, TimeUnit.SECONDS);
        timers.scheduleWithFixedDelay(node.rooms().creationLimits()::sweep, 10, 10, TimeUnit.SECONDS);
        timers.scheduleAtFixedRate(() -> transport.probeLag(metrics::eventLoopLag), 1, 1, TimeUnit.SECONDS);
        if (cluster != null) {
            // the public URL can only be known now when the port was 0
            String url = config.server().effectivePublicUrl();
            if (config.server().port() == 0 && url.endsWith(":0")) url = url.substring(0, url.length() - 1) + transport.port();
            cluster.start(url);
        }
        features.start();
    }

    /**
     * The Engine.IO endpoint(s) on the shared port: Hubbub's events on the main namespace of
     * {@code socketio.path}, or with {@code socketio.conformance} what the official test suites expect.
     */
    private List<HttpEndpoint> socketIoEndpoints(HubbubConfig c, TransportSettings ts, ConnectionLimiter limiter, MemoryWatchdog watchdog) {
        var sc = c.socketio();
        if (!sc.enabled()) return List.of();
        List<String> origins = c.server().anyOriginAllowed() ? List.of("*") : c.server().allowedOrigins();
        int frames = c.limits().outboundQueueFrames();
        EngineIoConfig eio = EngineIoConfig.defaults()
                .withPath(sc.mountPath())
                .withHeartbeat(sc.pingInterval().toMillis(), sc.pingTimeout().toMillis())
                .withMaxPayload((int) Math.min(Integer.MAX_VALUE - 1024, sc.maxPayload().bytes()))
                .withAllowedOrigins(origins)
                .withLimits(c.limits().maxConnections(), Math.max(16, frames));
        long grace = ts.handshakeTimeout().toMillis();
        if (sc.conformance()) {
            ConformanceApp app = new ConformanceApp(eio, sc.connectTimeout().toMillis());
            this.conformance = app;
            this.socketIo = app.socketIo();
            return app.handlers().stream().map(h -> (HttpEndpoint) new EngineIoEndpoint(h, grace)).toList();
        }
        EngineIoServer engineIo = new EngineIoServer(eio);
        if (engine instanceof RedisEngine) {
            // behind a non-sticky balancer a poll may reach a node that does not hold its session: forward it.
            // A held long-poll lasts up to pingInterval, so the forward's timeout is a little above it.
            PollingForwarder.Owners owners = new PollingForwarder.Owners() {
                private final String tag = ClusterService.sidTag(node.settings().nodeId());

                @Override
                public String localTag() {
                    return tag;
                }

                @Override
                public String urlOf(String t) {
                    return cluster.urlOfSidTag(t);
                }
            };
            this.forwarder = new PollingForwarder(owners, node.settings().nodeId(),
                    eio.pingInterval() + Math.max(2000, eio.pingTimeout()), eio.maxSessions());
            engineIo.forwarding(forwarder);
        }
        this.socketIo = new SocketIoServer(engineIo, io.hubbub.server.protocol.socketio.SocketIoConfig.defaults()
                .withConnectTimeout(sc.connectTimeout().toMillis())
                .withAttachmentBytes(sc.maxAttachmentBytes().bytes(), sc.maxPendingAttachmentBytes().bytes())
                .withPendingEmits(Math.max(16, frames)));
        Relay relay = new Relay(new java.util.HashSet<>(sc.relayEvents()), (int) c.server().maxFrameBytes().bytes());
        new HubbubSocketIo(node, limiter, stats, watchdog::overloaded, ConfigMapping.trustedProxies(c.server()), frames, c.recovery().resumeWindow(), relay)
                .attach(socketIo);
        return List.of(new EngineIoEndpoint(new EngineIoHandler(engineIo), grace));
    }

    /**
     * The Socket.IO server on {@code socketio.path}, or null when disabled. Applications register
     * further namespaces on it ({@code socketIo().namespace("/admin").onConnect(...)}); the main
     * namespace serves Hubbub's events.
     */
    public SocketIoServer socketIo() {
        return socketIo;
    }

    /** What the start-up warm-up did ({@code startup.warmupConnections}): connections made and failed, and how long it took. */
    public java.util.Optional<Warmup.Outcome> warmup() {
        return java.util.Optional.ofNullable(warmup);
    }

    /** Starts a server; the port in the configuration may be 0 (see {@link #port()}). */
    public static HubbubServer start(HubbubConfig config) throws Exception {
        return new HubbubServer(config, List.of());
    }

    /** Starts a server with additional HTTP endpoints (embedding, other protocols), served before the HTTP API. */
    public static HubbubServer start(HubbubConfig config, List<HttpEndpoint> extraEndpoints) throws Exception {
        return new HubbubServer(config, extraEndpoints);
    }

    /** The CLI's {@code serve}: starts, prints where to connect, and blocks until SIGTERM/SIGINT, then drains. */
    public static void run(HubbubConfig config) {
        HubbubServer server;
        try {
            server = start(config);
        } catch (Exception e) {
            throw new IllegalStateException("could not start: " + e.getMessage(), e);
        }
        Thread hook = new Thread(() -> server.shutdown(config.shutdown().drainTimeout()), "hubbub-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        String http = (config.server().tls().enabled() ? "https" : "http") + "://" + displayHost(config.server().effectiveHost()) + ":" + server.port();
        String ws = http.replaceFirst("^http", "ws") + config.server().wsPath();
        System.out.println("Hubbub " + VersionInfo.version() + " listening on " + http + " (WebSocket " + ws + ", node "
                + server.node.settings().nodeId() + ", engine " + server.engine.name() + ")");
        System.out.println("Get a token: curl -s -X POST " + http + "/api/auth/signup -H 'Content-Type: application/json' "
                + "-d '{\"username\":\"alice\",\"password\":\"change-me-please\"}'   (or: ./hubbub token --user alice)");
        System.out.println("Connect:     " + ws + "?token=<token>     Health: " + http + "/health");
        if (devSecretExposed(config)) {
            System.err.println("WARNING: " + DEV_SECRET_WARNING.replace("{}", config.server().effectiveHost()));
        } else if (config.server().loopbackOnly()) {
            System.out.println("Only this machine can connect (dev mode); to serve others set a JWT secret and --host 0.0.0.0.");
        }
        if (config.socketio().enabled()) {
            System.out.println("Socket.IO:   io(\"" + http + "\", { auth: { token } })   (path " + config.socketio().mountPath()
                    + (config.socketio().conformance() ? ", conformance profile: test behaviour, not Hubbub events" : "") + ")");
        }
        try {
            server.transportClosed();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void transportClosed() throws InterruptedException {
        while (!closed) Thread.sleep(500);
    }

    private Principal authenticate(HttpCall call) {
        String key = call.header("X-Api-Key");
        if (key != null) return apiKeys.authenticate(key);
        String h = call.header("Authorization");
        if (h == null) return null;
        if (!h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new io.hubbub.core.protocol.HubbubException(io.hubbub.core.protocol.ErrorCode.UNAUTHORIZED, "use Authorization: Bearer <token>");
        }
        String token = h.substring(7).trim();
        Principal p = apiKeys.find(token).orElseGet(() -> jwt.verify(token));
        revocation.check(p); // on the route's virtual thread
        return p;
    }

    public int port() {
        return transport.port();
    }

    public HubbubNode node() {
        return node;
    }

    /** The HTTP API's route table (read-only use: e.g. {@link HttpApi#routes()}). */
    public HttpApi httpApi() {
        return httpApi;
    }

    public JwtService jwt() {
        return jwt;
    }

    public AccountService accounts() {
        return accounts;
    }

    public Database database() {
        return db;
    }

    /** The installed features' status objects for /stats and /ready (empty until they are installed). */
    private com.fasterxml.jackson.databind.node.ObjectNode featureStatuses() {
        FeatureHost f = features;
        return f == null ? Json.object() : f.statuses();
    }

    public FeatureHost features() {
        return features;
    }

    public HubbubMetrics metrics() {
        return metrics;
    }

    public HubbubConfig config() {
        return config;
    }

    /** This node's cluster membership (a cluster of one with the memory engine). */
    public ClusterService cluster() {
        return cluster;
    }

    /**
     * Graceful shutdown: stop accepting, tell every client to reconnect after the suggested delay (they
     * resume elsewhere or here after restart), wait for connections to close or the deadline, then stop.
     */
    public void shutdown(Duration deadline) {
        if (closed) return;
        log.info("shutting down: draining {} connections", node.connectionCount());
        String elsewhere = null;
        if (cluster != null) {
            cluster.deregister(); // first, so routing and new clients stop coming here
            var target = cluster.drainTarget();
            if (target != null) elsewhere = cluster.wsUrl(target.url());
        }
        try {
            transport.stopAccepting();
        } catch (RuntimeException ignored) {
            // already closed
        }
        features.drain();
        node.drain(config.shutdown().reconnectDelay().toMillis(), elsewhere);
        long until = System.nanoTime() + deadline.toNanos();
        while (node.connectionCount() > 0 && System.nanoTime() < until) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (cluster != null) cluster.close();
        timers.shutdownNow();
        if (socketIo != null) socketIo.engine().closeAll();
        if (conformance != null) conformance.close();
        transport.close();
        if (forwarder != null) forwarder.close();
        features.stop();
        node.close();
        engine.close();
        blocking.shutdown();
        db.close();
        log.info("stopped");
    }

    // ---- secrets ----

    static final String DEV_SECRET_WARNING = "INSECURE: listening on {} with the built-in dev JWT secret, which is public: anyone who "
            + "can reach this address can forge an admin token. Set auth.jwtSecret (HUBBUB_AUTH_JWT_SECRET) or listen on 127.0.0.1.";

    /** True when the public dev secret signs tokens on an address other machines may reach. */
    public static boolean devSecretExposed(HubbubConfig c) {
        return AuthConfig.DEV_JWT_SECRET.equals(c.auth().jwtSecret()) && !c.server().loopbackOnly();
    }

    /** A purpose-specific key from the JWT secret (HMAC-SHA256 of the label), so one secret serves several uses safely. */
    static byte[] derive(byte[] secret, String label) {
        try {
            var mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String displayHost(String host) {
        return host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
    }
}
