package io.hubbub.redis;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One Redis server shared by the contract suites of this test JVM (each suite uses its own key prefix
 * and unique channel names), stopped when the JVM exits. Engines made here are closed by {@link #closeEngines}.
 */
final class SharedRedis {
    private static RedisServers.Server server;
    private final List<RedisEngine> engines = new CopyOnWriteArrayList<>();
    private final String prefix = TestEngines.prefix();

    static synchronized RedisServers.Server server() {
        if (server == null) {
            server = RedisServers.single();
            RedisServers.Server s = server;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close));
        }
        return server;
    }

    /** A new engine ("node") on the shared server, all with this instance's prefix. */
    RedisEngine engine() {
        RedisEngine e = RedisEngine.start(TestEngines.config(server().uri(), prefix, "node-" + engines.size()));
        engines.add(e);
        return e;
    }

    void closeEngines() {
        for (RedisEngine e : engines) e.close();
        engines.clear();
    }
}
