package io.hubbub.server.feature;

import io.hubbub.core.api.HubbubApi;
import io.hubbub.core.feature.Feature;
import io.hubbub.core.feature.FeatureContext;
import io.hubbub.core.feature.FeatureSettings;
import io.hubbub.core.feature.adapter.ProtocolAdapter;
import io.hubbub.core.feature.http.Access;
import io.hubbub.core.feature.http.RouteHandler;
import io.hubbub.server.config.FeaturesConfig;
import io.hubbub.server.http.HttpApi;
import io.hubbub.store.Database;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Pattern;

/**
 * Installs the enabled features of a server and runs their lifecycle. For each enabled feature, in
 * order: its migrations, then {@link Feature#install} with a {@link FeatureContext} bound to this
 * server. Disabled features are never touched. A feature that fails to install stops the server's
 * start (a half-installed feature would serve some events and not others).
 */
public final class FeatureHost {
    private static final Logger log = LoggerFactory.getLogger(FeatureHost.class);
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._~/{}-]*");
    /** One or more plain segments, no trailing slash; never the API's, the WebSocket's or Socket.IO's ground. */
    private static final Pattern ASSET_PREFIX = Pattern.compile("(?!/api(/|$)|/ws(/|$)|/socket\\.io(/|$))(/[A-Za-z0-9_-][A-Za-z0-9._-]*)+");
    private static final Pattern ASSET_DIR = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*");

    /** A protocol adapter registered by a feature, to be served on its path. */
    public record AdapterRoute(String feature, String path, ProtocolAdapter adapter) {}

    /** Static files a feature serves ({@link FeatureContext#assets}): {@code classpathDir} of {@code loader} at {@code prefix}. */
    public record AssetRoute(String feature, String prefix, String classpathDir, ClassLoader loader) {}

    private final HubbubApi api;
    private final HttpApi http;
    private final Database db;
    private final MeterRegistry metrics;
    private final Executor blocking;
    private final Clock clock;
    private final Map<Class<?>, Object> services = new ConcurrentHashMap<>();
    private final List<AdapterRoute> adapters = new ArrayList<>();
    private final List<AssetRoute> assets = new ArrayList<>();
    private final List<Runnable> starts = new ArrayList<>();
    private final List<Runnable> drains = new ArrayList<>();
    private final List<Runnable> stops = new ArrayList<>();
    private final List<String> installed = new ArrayList<>();
    private final Map<String, java.util.function.Supplier<? extends com.fasterxml.jackson.databind.JsonNode>> statuses =
            new java.util.concurrent.ConcurrentSkipListMap<>();
    private ScheduledExecutorService scheduler; // created when the first enabled feature asks for it
    private volatile boolean sealed;

    public FeatureHost(HubbubApi api, HttpApi http, Database db, MeterRegistry metrics, Executor blocking, Clock clock) {
        this.api = api;
        this.http = http;
        this.db = db;
        this.metrics = metrics;
        this.blocking = blocking;
        this.clock = clock;
        services.put(Database.class, db);
    }

    /** Makes a server service available to features through {@link FeatureContext#service}. */
    public <T> void provide(Class<T> type, T service) {
        services.put(type, service);
    }

    /** A service provided to features (what {@link FeatureContext#service} returns), for embedding code and tests. */
    public <T> Optional<T> service(Class<T> type) {
        return Optional.ofNullable(type.cast(services.get(type)));
    }

    /** Migrates and installs every enabled feature of {@code config}; then no more registrations are accepted. */
    public void installAll(FeaturesConfig config) throws Exception {
        for (FeaturesConfig.Entry e : config.enabled()) {
            Feature f = e.feature();
            if (f.migrations() != null) {
                int n = db.migrate(f.name(), f.migrations());
                if (n > 0) log.info("feature {}: {} migrations applied", f.name(), n);
            }
            f.install(new Context(f, e.settings()));
            installed.add(f.name());
        }
        sealed = true;
        if (!installed.isEmpty()) log.info("features installed: {}", String.join(", ", installed));
    }

    /** The adapters the installed features registered. */
    public List<AdapterRoute> adapters() {
        return List.copyOf(adapters);
    }

    /** The static asset directories the installed features registered. */
    public List<AssetRoute> assets() {
        return List.copyOf(assets);
    }

    public List<String> installed() {
        return List.copyOf(installed);
    }

    /** The installed features' status objects ({@link FeatureContext#status}) by feature name; a failing one shows its error. */
    public com.fasterxml.jackson.databind.node.ObjectNode statuses() {
        var out = io.hubbub.core.protocol.Json.object();
        statuses.forEach((name, s) -> {
            try {
                out.set(name, s.get());
            } catch (RuntimeException e) {
                out.putObject(name).put("error", String.valueOf(e.getMessage()));
            }
        });
        return out;
    }

    public void start() {
        starts.forEach(FeatureHost::safely);
    }

    public void drain() {
        drains.forEach(FeatureHost::safely);
    }

    public void stop() {
        for (int i = stops.size() - 1; i >= 0; i--) safely(stops.get(i));
        if (scheduler != null) scheduler.shutdownNow();
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("feature lifecycle task failed", e);
        }
    }

    private synchronized ScheduledExecutorService scheduler() {
        if (scheduler == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "hubbub-features");
                t.setDaemon(true);
                return t;
            });
        }
        return scheduler;
    }

    private final class Context implements FeatureContext {
        private final Feature feature;
        private final FeatureSettings settings;

        Context(Feature feature, FeatureSettings settings) {
            this.feature = feature;
            this.settings = settings;
        }

        private void open() {
            if (sealed) throw new IllegalStateException("feature " + feature.name() + ": register during install()");
        }

        @Override
        public HubbubApi api() {
            return api;
        }

        @Override
        public <C extends FeatureSettings> C config(Class<C> type) {
            return type.cast(settings);
        }

        @Override
        public void route(String method, String template, Access access, RouteHandler handler) {
            open();
            if (!PATH.matcher(template).matches()) throw new IllegalArgumentException("bad route template '" + template + "'");
            FeatureRoutes.register(http, method, template, access, handler);
        }

        @Override
        public void adapter(String path, ProtocolAdapter adapter) {
            open();
            if (!PATH.matcher(path).matches() || path.contains("{")) throw new IllegalArgumentException("bad adapter path '" + path + "'");
            for (AdapterRoute a : adapters) if (a.path().equals(path)) throw new IllegalArgumentException("path " + path + " is taken");
            for (AssetRoute a : assets) if (FeatureAssets.within(path, a.prefix())) throw new IllegalArgumentException("path " + path + " is taken");
            adapters.add(new AdapterRoute(feature.name(), path, adapter));
        }

        @Override
        public void assets(String pathPrefix, String classpathDir) {
            open();
            if (!ASSET_PREFIX.matcher(pathPrefix).matches()) throw new IllegalArgumentException("bad asset prefix '" + pathPrefix + "'");
            if (!ASSET_DIR.matcher(classpathDir).matches()) throw new IllegalArgumentException("bad asset directory '" + classpathDir + "'");
            for (AssetRoute a : assets)
                if (FeatureAssets.within(pathPrefix, a.prefix()) || FeatureAssets.within(a.prefix(), pathPrefix))
                    throw new IllegalArgumentException("asset prefix " + pathPrefix + " overlaps " + a.prefix());
            for (AdapterRoute a : adapters)
                if (FeatureAssets.within(a.path(), pathPrefix)) throw new IllegalArgumentException("asset prefix " + pathPrefix + " covers adapter " + a.path());
            assets.add(new AssetRoute(feature.name(), pathPrefix, classpathDir, feature.getClass().getClassLoader()));
        }

        @Override
        public <T> Optional<T> service(Class<T> type) {
            return Optional.ofNullable(type.cast(services.get(type)));
        }

        @Override
        public MeterRegistry metrics() {
            return metrics;
        }

        @Override
        public String metricName(String suffix) {
            return "hubbub." + feature.name() + "." + suffix;
        }

        @Override
        public ScheduledExecutorService scheduler() {
            return FeatureHost.this.scheduler();
        }

        @Override
        public Executor blocking() {
            return blocking;
        }

        @Override
        public Clock clock() {
            return clock;
        }

        @Override
        public void status(java.util.function.Supplier<? extends com.fasterxml.jackson.databind.JsonNode> status) {
            open();
            statuses.put(feature.name(), status);
        }

        @Override
        public void onStart(Runnable task) {
            open();
            starts.add(task);
        }

        @Override
        public void onDrain(Runnable task) {
            open();
            drains.add(task);
        }

        @Override
        public void onStop(Runnable task) {
            open();
            stops.add(task);
        }
    }
}
