package io.hubbub.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.node.HubbubNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.room.Room;
import io.hubbub.server.metrics.HubbubMetrics;
import io.hubbub.server.ops.MemoryWatchdog;
import io.hubbub.server.ops.Rates;
import io.hubbub.store.Database;

import java.util.concurrent.TimeUnit;

/**
 * Operations endpoints, unauthenticated by design (put them behind your network policy):
 * {@code /health} (the process is alive), {@code /ready} (database and engine reachable, not draining, not
 * refusing connections for memory pressure),
 * {@code /info}, {@code /stats}, {@code /metrics} (Prometheus text format).
 */
public final class OpsRoutes {
    private OpsRoutes() {}

    public static void register(HttpApi api, HubbubNode node, Database db, HubbubMetrics metrics, MemoryWatchdog watchdog,
                                Rates rates, String version, boolean metricsEnabled) {
        register(api, node, db, metrics, watchdog, rates, version, metricsEnabled, Json::object);
    }

    /** @param features the installed features' status objects (see {@code FeatureContext.status}), shown when not empty */
    public static void register(HttpApi api, HubbubNode node, Database db, HubbubMetrics metrics, MemoryWatchdog watchdog,
                                Rates rates, String version, boolean metricsEnabled, java.util.function.Supplier<ObjectNode> features) {
        api.route("GET", "/health", call -> HttpResult.ok(Json.object().put("status", "ok").put("ts", System.currentTimeMillis())));
        api.route("GET", "/ready", call -> {
            ObjectNode checks = Json.object();
            boolean ok = check(checks, "database", () -> db.ping());
            ok &= check(checks, "engine", () -> node.engine().ping().get(2, TimeUnit.SECONDS));
            checks.put("draining", node.isDraining());
            checks.put("memoryPressure", watchdog.overloaded());
            ok &= !node.isDraining();
            ok &= !watchdog.overloaded(); // the node refuses new connections: a balancer should send them elsewhere
            ObjectNode body = Json.object().put("ready", ok);
            body.set("checks", checks);
            ObjectNode f = features.get();
            if (!f.isEmpty()) body.set("features", f);
            return HttpResult.status(ok ? 200 : 503, body);
        });
        api.route("GET", "/info", call -> HttpResult.ok(Json.object().put("name", "hubbub").put("version", version)
                .put("node", node.settings().nodeId()).put("engine", node.engine().name()).put("protocol", 1)
                .put("startedAt", node.startedAt())));
        api.route("GET", "/stats", call -> {
            Runtime rt = Runtime.getRuntime();
            int members = 0;
            for (Room r : node.rooms().all().values()) members += r.memberCount();
            ObjectNode s = Json.object().put("node", node.settings().nodeId())
                    .put("connections", node.connectionCount()).put("transportConnections", metrics.transportConnections())
                    .put("users", node.userCount())
                    .put("rooms", node.rooms().all().size()).put("members", members)
                    .put("messagesInPerSecond", Math.round(rates.inPerSecond() * 10) / 10.0)
                    .put("messagesOutPerSecond", Math.round(rates.outPerSecond() * 10) / 10.0)
                    .put("publicationsReceived", node.hub().received())
                    .put("uptimeSeconds", (System.currentTimeMillis() - node.startedAt()) / 1000);
            s.putObject("memory").put("heapUsedBytes", rt.totalMemory() - rt.freeMemory()).put("heapMaxBytes", rt.maxMemory())
                    .put("heapFraction", Math.round(watchdog.heapFraction() * 1000) / 1000.0).put("pressure", watchdog.overloaded());
            ObjectNode f = features.get();
            if (!f.isEmpty()) s.set("features", f);
            return HttpResult.ok(s);
        });
        if (metricsEnabled) {
            api.route("GET", "/metrics", call -> HttpResult.text(200, metrics.scrape(), "text/plain; version=0.0.4; charset=utf-8"));
        }
    }

    private interface Check {
        void run() throws Exception;
    }

    private static boolean check(ObjectNode checks, String name, Check c) {
        try {
            c.run();
            checks.put(name, "ok");
            return true;
        } catch (Exception e) {
            checks.put(name, "unavailable");
            return false;
        }
    }
}
