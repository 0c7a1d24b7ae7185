package io.hubbub.bench.load;

import io.hubbub.bench.floor.FloorServer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Warms the load generator itself, once per JVM, before its first measured run: its own connect
 * path (Netty client, HTTP upgrade, WebSocket codec, token in the query, the welcome and a reply
 * parsed) is exercised against a floor server inside this JVM — never against the server under
 * test, whose cold start may be what is being measured.
 *
 * <p>Why: the generator is a fresh JVM, and in {@code compare} the first target ran against a cold
 * generator while the next ones got a warm one. Measured (2026-12-05, 10,000 connections at 1,000/s):
 * ws's connect p99 was 161–296 ms when it ran first and 8–22 ms when it ran second; the tail was the
 * generator compiling its own code during the first second (and a young collection of its heap).
 * A run's figures must describe the server, whatever the order of the targets.
 */
public final class GeneratorWarmup {
    /** Connections to make; 0 turns the warm-up off (the default for code that builds {@link Scenarios} directly, e.g. tests). */
    private static volatile int connections;
    private static boolean done;

    private GeneratorWarmup() {
    }

    /** Sets how many connections the warm-up makes (the CLI's {@code --generator-warmup}). */
    public static void connections(int n) {
        connections = Math.max(0, n);
    }

    /**
     * Runs the warm-up unless it already ran in this JVM or is turned off; never fails a run.
     *
     * @return the connections that completed the warm-up (welcome and a ping answered); 0 when it did not run
     */
    static synchronized int ensure(Generator g, Progress progress) {
        int n = connections;
        if (done || n == 0) return 0;
        done = true;
        int warmed = 0;
        long t0 = System.nanoTime();
        try (FloorServer.InProcess floor = FloorServer.start(0, 1)) {
            Endpoint endpoint = new Endpoint("127.0.0.1", floor.port(), Protocol.NATIVE, user -> "warmup." + user + ".token");
            Stats scratch = new Stats();
            List<LoadClient> clients = new ArrayList<>(n);
            for (int i = 0; i < n; i++) clients.add(new LoadClient(i, "generator-warmup-" + i, endpoint, scratch));
            List<LoadClient> ok = g.connectAll(clients, endpoint, progress);
            List<CompletableFuture<?>> pings = new ArrayList<>(ok.size());
            for (LoadClient c : ok) pings.add(c.request("ping", "{}"));
            CompletableFuture.allOf(pings.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            Generator.closeAll(ok);
            warmed = ok.size();
            progress.note(String.format("generator warmed up: %d connections to an in-process floor server in %.1f s",
                    ok.size(), (System.nanoTime() - t0) / 1e9));
        } catch (Exception e) {
            progress.note("generator warm-up skipped: " + Generator.rootMessage(e));
        }
        System.gc();
        return warmed;
    }
}
