package io.hubbub.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scenarios. Each one connects its clients, runs bounded in time, measures over a window that
 * excludes set-up (and a warm-up for message scenarios), drains, closes every connection and returns
 * a {@link Result}. Every member of a room receives every message of the room, the sender included.
 */
public final class Scenarios {
    /**
     * Parameters of one run; not every scenario uses every field. {@code connectRate}: the connect
     * scenario opens its connections at this pace (connections/s, open loop), 0 = as fast as the
     * server accepts them (at most 256 handshakes in flight).
     */
    public record Settings(String target, Endpoint endpoint, long serverPid, int connections, double rate, int payload,
                           int roomSize, double seconds, double warmup, int loops, int sourceAddresses, double connectRate) {
        public Settings(String target, Endpoint endpoint, long serverPid, int connections, double rate, int payload,
                        int roomSize, double seconds, double warmup, int loops, int sourceAddresses) {
            this(target, endpoint, serverPid, connections, rate, payload, roomSize, seconds, warmup, loops, sourceAddresses, 0);
        }
    }

    /** Paced connects keep this many handshakes in flight at most, so a slow server does not stall the pace. */
    static final int PACED_IN_FLIGHT = 20_000;

    private final Settings s;
    private final Stats stats = new Stats();
    private final Progress progress;
    private boolean spacesCompact = true;
    private int connectThen;

    public Scenarios(Settings settings, PrintStream log, String label) {
        this.s = settings;
        this.progress = new Progress(log, label);
    }

    /** The spaces scenario's {@code space:moves} form: compact ({@code m: [n, x, y, …]}, the default) or full. */
    public Scenarios spacesCompact(boolean compact) {
        this.spacesCompact = compact;
        return this;
    }

    /**
     * The connect scenario, after measuring its -n connections: open {@code n} more while holding those, and
     * report their RSS growth per connection apart ({@code rssPerConnKbThen}): what one more idle connection
     * costs once the node has paid its one-time costs (classes loaded, the connect path compiled).
     */
    public Scenarios connectThen(int n) {
        this.connectThen = n;
        return this;
    }

    public Result run(String scenario) throws Exception {
        boolean paced = scenario.equals("connect") && s.connectRate() > 0;
        try (Generator g = new Generator(s.loops(), s.sourceAddresses(), paced ? PACED_IN_FLIGHT : 256)) {
            GeneratorWarmup.ensure(g, progress);
            return switch (scenario) {
                case "connect" -> connect(g);
                case "fanout" -> fanout(g);
                case "rooms" -> rooms(g);
                case "churn" -> churn(g);
                case "reconnect" -> reconnect(g);
                case "spaces" -> new SpacesScenario(s, stats, progress, spacesCompact).run(g);
                case "signal" -> new SignalScenario(s, stats, progress).run(g);
                case "chain" -> new ChainScenario(s, stats, progress).run(g);
                case "chain-submit" -> new ChainSubmitScenario(s, stats, progress).run(g);
                case "chat" -> new ChatScenario(s, stats, progress).run(g);
                default -> throw new IllegalArgumentException("unknown scenario " + scenario + " (connect, fanout, rooms, churn, reconnect, spaces, signal, chain, chain-submit, chat)");
            };
        }
    }

    private List<LoadClient> clients(int n, String prefix) {
        List<LoadClient> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) list.add(new LoadClient(i, prefix + i, s.endpoint(), stats));
        return list;
    }

    static String roomPayload(String room, int members, int history) {
        return "{\"room\":\"" + room + "\",\"name\":\"" + room + "\",\"capacity\":" + (members + 10)
                + ",\"presence\":false,\"joinLeaveEvents\":false,\"historySize\":" + history + "}";
    }

    /** The first client of each group creates the room, the others join; waits for every answer. */
    private void joinRooms(List<LoadClient> clients, int roomSize, int history, String prefix) throws Exception {
        int rooms = (clients.size() + roomSize - 1) / roomSize;
        List<CompletableFuture<JsonNode>> creates = new ArrayList<>();
        for (int r = 0; r < rooms; r++) {
            LoadClient creator = clients.get(r * roomSize);
            creates.add(creator.request("room:create", roomPayload(prefix + r, roomSize, history))
                    .thenApply(reply -> remember(creator, reply)));
        }
        CompletableFuture.allOf(creates.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        List<CompletableFuture<JsonNode>> joins = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            if (i % roomSize == 0) continue;
            LoadClient c = clients.get(i);
            joins.add(c.request("room:join", "{\"room\":\"" + prefix + (i / roomSize) + "\"}").thenApply(reply -> remember(c, reply)));
            if (joins.size() % 500 == 0) CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            progress.tick("joining " + joins.size() + "/" + clients.size());
        }
        CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }

    private static JsonNode remember(LoadClient c, JsonNode reply) {
        String epoch = reply.path("position").path("epoch").asText(null);
        if (epoch != null) c.epoch = epoch;
        return reply;
    }

    static Map<String, Object> params(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    // ---- connect: open N connections (optionally at a fixed pace), connect latency, hold them idle, memory per connection ----

    private Result connect(Generator g) throws Exception {
        System.gc();
        Thread.sleep(1000);
        long rss0 = ProcStats.rssKb(s.serverPid());
        ProcStats.Snapshot a = ProcStats.Snapshot.take(s.serverPid());
        List<LoadClient> clients = clients(s.connections(), "c");
        stats.connectInterval(); // drop anything recorded before
        long t0 = System.nanoTime();
        List<LoadClient> ok = g.connectAll(clients, s.endpoint(), progress, s.connectRate());
        double connectSecs = (System.nanoTime() - t0) / 1e9;
        if (ok.isEmpty()) throw new IllegalStateException("no connection succeeded");
        ProcStats.Snapshot b = ProcStats.Snapshot.take(s.serverPid());
        Histogram latency = stats.connectInterval();
        progress.force("holding " + ok.size() + " idle connections for " + s.seconds() + " s");
        Thread.sleep((long) (s.seconds() * 1000));
        long rss1 = ProcStats.rssKb(s.serverPid());
        double perConn = rss0 < 0 || ok.isEmpty() ? -1 : (rss1 - rss0) / (double) ok.size();
        Map<String, Object> extra = params("rssBeforeKb", rss0, "rssAfterKb", rss1, "connectSeconds", Result.round(connectSecs),
                "connectsPerSec", Result.round(ok.size() / connectSecs));
        if (s.connectRate() > 0) extra.put("pacedRate", s.connectRate());
        List<LoadClient> then = List.of();
        if (connectThen > 0) { // the marginal cost: more connections on the same node, the first ones still held
            then = g.connectAll(clients(connectThen, "t"), s.endpoint(), progress, s.connectRate());
            progress.force("holding " + (ok.size() + then.size()) + " idle connections for " + s.seconds() + " s");
            Thread.sleep((long) (s.seconds() * 1000));
            long rss2 = ProcStats.rssKb(s.serverPid());
            extra.put("thenConnections", then.size());
            extra.put("rssAfterThenKb", rss2);
            // -1 when RSS could not be read (e.g. the generator at its descriptor limit: keep -n + --then well under it)
            extra.put("rssPerConnKbThen", then.isEmpty() || rss1 < 0 || rss2 < 0 ? -1 : Result.round((rss2 - rss1) / (double) then.size()));
        }
        // latency = upgrade request sent → session ready; server CPU per delivery = CPU per connection while connecting
        Result r = Result.of(s.target(), "connect", params("connections", s.connections(), "connectRate", s.connectRate()), ok.size(), 0,
                ok.size(), ok.size(), latency, a, b, s.serverPid(), stats, s.connections() - ok.size(), perConn, extra);
        Generator.closeAll(ok);
        Generator.closeAll(then);
        return r;
    }

    // ---- fanout: N members in one room, one publishing at R msg/s ----

    private Result fanout(Generator g) throws Exception {
        int n = s.connections();
        List<LoadClient> clients = g.connectAll(clients(n, "f"), s.endpoint(), progress);
        if (clients.size() < n) throw new IllegalStateException("only " + clients.size() + "/" + n + " connected");
        clients.forEach(c -> c.expectSources(1));
        joinRooms(clients, n, 0, "fanout");
        String pad = "x".repeat(Math.max(0, s.payload() - 40));
        LoadClient publisher = clients.get(0);
        Publisher pub = new Publisher(publisher, "fanout0", 0, s.rate(), pad, stats);
        return measureMessages(clients, List.of(pub), "fanout", n,
                params("members", n, "msgPerSec", s.rate(), "payloadBytes", s.payload()));
    }

    // ---- rooms: many small rooms, every member publishing ----

    private Result rooms(Generator g) throws Exception {
        int n = s.connections();
        int k = s.roomSize();
        List<LoadClient> clients = g.connectAll(clients(n, "r"), s.endpoint(), progress);
        if (clients.size() < n) throw new IllegalStateException("only " + clients.size() + "/" + n + " connected");
        clients.forEach(c -> c.expectSources(k));
        joinRooms(clients, k, 0, "room");
        String pad = "x".repeat(Math.max(0, s.payload() - 40));
        List<Publisher> pubs = new ArrayList<>();
        for (LoadClient c : clients) pubs.add(new Publisher(c, "room" + (c.index / k), c.index % k, s.rate(), pad, stats));
        return measureMessages(clients, pubs, "rooms", k,
                params("clients", n, "roomSize", k, "rooms", n / k, "msgPerSecEach", s.rate(), "payloadBytes", s.payload()));
    }

    /** Warm-up, measurement window, stop, drain; every member of a room of {@code roomSize} receives every message. */
    private Result measureMessages(List<LoadClient> clients, List<Publisher> pubs, String scenario, int roomSize,
                                   Map<String, Object> params) throws Exception {
        pubs.forEach(Publisher::start);
        sleepWithProgress(s.warmup(), "warm-up");
        stats.reset();
        long recv0 = stats.received.sum();
        long sent0 = stats.sent.sum();
        ProcStats.Snapshot a = ProcStats.Snapshot.take(s.serverPid());
        sleepWithProgress(s.seconds(), "measuring");
        pubs.forEach(Publisher::stop);
        long sentTotal = stats.sent.sum();
        long expected = sentTotal * roomSize;
        drain(expected);
        ProcStats.Snapshot b = ProcStats.Snapshot.take(s.serverPid());
        Histogram h = stats.total();
        long deliveries = stats.received.sum() - recv0;
        long lost = Math.max(0, expected - (stats.received.sum() - stats.reordered.sum()));
        Result r = Result.of(s.target(), scenario, params, clients.size(), sentTotal - sent0, deliveries, deliveries, h, a, b,
                s.serverPid(), stats, lost, -1, params("publishedRatePerSec", Result.round((sentTotal - sent0) / s.seconds())));
        Generator.closeAll(clients);
        return r;
    }

    /** Waits until everything expected arrived, or nothing arrived for 2 s (at most 30 s). */
    private void drain(long expected) throws InterruptedException {
        drain(stats, progress, expected);
    }

    /** {@link #drain(long)} for the scenario classes. */
    static void drain(Stats stats, Progress progress, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long last = -1;
        long lastChange = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long got = stats.received.sum();
            if (got >= expected) return;
            if (got != last) {
                last = got;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > TimeUnit.SECONDS.toNanos(2)) return;
            progress.tick("draining " + got + "/" + expected);
            Thread.sleep(20);
        }
    }

    private void sleepWithProgress(double seconds, String what) throws InterruptedException {
        sleepWithProgress(stats, progress, seconds, what);
    }

    /** Sleeps {@code seconds}, ticking the progress line with the message counters. */
    static void sleepWithProgress(Stats stats, Progress progress, double seconds, String what) throws InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long r0 = stats.received.sum();
        long t0 = System.nanoTime();
        while (System.nanoTime() < end) {
            Thread.sleep(Math.min(200, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            double el = (System.nanoTime() - t0) / 1e9;
            progress.tick(String.format("%s %.0fs sent=%d recv=%d (%.0f/s) disconnects=%d", what, el, stats.sent.sum(),
                    stats.received.sum(), (stats.received.sum() - r0) / el, stats.disconnects.sum()));
        }
    }

    // ---- churn: connect, join, leave, disconnect, over and over ----

    private Result churn(Generator g) throws Exception {
        int holders = Math.max(1, s.connections() / 10);
        List<LoadClient> hold = g.connectAll(clients(holders, "h"), s.endpoint(), progress);
        joinRooms(hold, 1, 0, "churn");
        AtomicLong cycles = new AtomicLong();
        AtomicInteger nextIndex = new AtomicInteger(1_000_000);
        long end = System.nanoTime() + (long) (s.seconds() * 1e9);
        ProcStats.Snapshot a = ProcStats.Snapshot.take(s.serverPid());
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int w = 0; w < s.connections(); w++) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            workers.add(done);
            churnCycle(g, holders, nextIndex, cycles, end, done);
        }
        while (System.nanoTime() < end) {
            Thread.sleep(200);
            progress.tick("churn cycles=" + cycles.get() + " errors=" + stats.errors.sum());
        }
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        ProcStats.Snapshot b = ProcStats.Snapshot.take(s.serverPid());
        Result r = Result.of(s.target(), "churn", params("concurrent", s.connections(), "rooms", holders), s.connections(),
                0, 0, cycles.get(), stats.total(), a, b, s.serverPid(), stats, 0, -1,
                params("cycle", "connect+join+leave+close; latency is per cycle"));
        Generator.closeAll(hold);
        return r;
    }

    private void churnCycle(Generator g, int rooms, AtomicInteger nextIndex, AtomicLong cycles, long end, CompletableFuture<Void> done) {
        if (System.nanoTime() >= end) {
            done.complete(null);
            return;
        }
        int i = nextIndex.getAndIncrement();
        LoadClient c = new LoadClient(i, "ch" + (i % 50_000), s.endpoint(), stats);
        String room = "{\"room\":\"churn" + ThreadLocalRandom.current().nextInt(rooms) + "\"}";
        long t0 = System.nanoTime();
        try {
            g.connect(c, s.endpoint())
                    .thenCompose(x -> c.request("room:join", room))
                    .thenCompose(x -> c.request("room:leave", room))
                    .whenComplete((x, e) -> {
                        if (e != null) stats.errors.increment();
                        else {
                            stats.record((System.nanoTime() - t0) / 1000);
                            cycles.incrementAndGet();
                        }
                        c.intentionalClose = true;
                        if (c.channel() != null) c.channel().close();
                        c.closed.whenComplete((v, e2) -> churnCycle(g, rooms, nextIndex, cycles, end, done));
                        if (c.channel() == null) churnCycle(g, rooms, nextIndex, cycles, end, done);
                    });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.complete(null);
        }
    }

    // ---- reconnect: M clients drop at once and resume ----

    private Result reconnect(Generator g) throws Exception {
        int m = s.connections();
        List<LoadClient> clients = g.connectAll(clients(m + 1, "m"), s.endpoint(), progress);
        if (clients.size() < m + 1) throw new IllegalStateException("only " + clients.size() + " connected");
        clients.forEach(c -> {
            c.expectSources(1);
            c.trackOffsets = true;
        });
        joinRooms(clients, m + 1, 10_000, "recon");
        String pad = "x".repeat(Math.max(0, s.payload() - 40));
        Publisher pub = new Publisher(clients.get(0), "recon0", 0, s.rate(), pad, stats);
        pub.start();
        sleepWithProgress(Math.max(1, s.warmup()), "before the drop");
        ProcStats.Snapshot a = ProcStats.Snapshot.take(s.serverPid());
        List<LoadClient> dropped = clients.subList(1, clients.size());
        for (LoadClient c : dropped) {
            c.intentionalClose = true;
            c.channel().close(); // abrupt: TCP close without a WebSocket close frame
        }
        long t0 = System.nanoTime();
        // A close requested from here takes effect on the connection's loop, which may still read
        // messages first. The position to resume from (the Socket.IO offset, copied by continueFrom)
        // is only known once the old connection has read its last message: taken earlier, the
        // recovery replays what the old connection still read, counted as duplicates (reordered).
        for (LoadClient old : dropped) old.closed.get(30, TimeUnit.SECONDS);
        List<CompletableFuture<Boolean>> resumed = new ArrayList<>();
        List<LoadClient> fresh = new ArrayList<>();
        for (LoadClient old : dropped) {
            LoadClient c = new LoadClient(old.index, old.user, s.endpoint(), stats);
            c.continueFrom(old);
            fresh.add(c);
            resumed.add(g.connect(c, s.endpoint()).thenCompose(x -> resume(c, old)));
        }
        int recovered = 0;
        for (CompletableFuture<Boolean> f : resumed) {
            try {
                if (f.get(60, TimeUnit.SECONDS)) recovered++;
            } catch (Exception e) {
                if (stats.errors.sum() == 0) progress.note("resume failed: " + Generator.rootMessage(e));
                stats.errors.increment();
            }
        }
        double recoverSecs = (System.nanoTime() - t0) / 1e9;
        progress.force(String.format("%d/%d recovered in %.3f s", recovered, m, recoverSecs));
        sleepWithProgress(Math.max(1, s.seconds()), "after the drop");
        pub.stop();
        long sentTotal = stats.sent.sum();
        long expected = sentTotal * (m + 1);
        drain(expected);
        ProcStats.Snapshot b = ProcStats.Snapshot.take(s.serverPid());
        long lost = Math.max(0, expected - (stats.received.sum() - stats.reordered.sum()));
        long deliveries = stats.received.sum();
        Result r = Result.of(s.target(), "reconnect", params("clients", m, "msgPerSec", s.rate()), m, sentTotal, deliveries,
                deliveries, stats.total(), a, b, s.serverPid(), stats, lost, -1,
                params("recovered", recovered, "allRecoveredMs", Result.round(recoverSecs * 1000)));
        List<LoadClient> all = new ArrayList<>(fresh);
        all.add(clients.get(0));
        Generator.closeAll(all);
        return r;
    }

    /**
     * Resumes with the old session's token and position; over Socket.IO through connection state
     * recovery (the CONNECT carried pid and offset; recovered when the server answered with the same
     * pid); peers without resume just join again.
     */
    private CompletableFuture<Boolean> resume(LoadClient c, LoadClient old) {
        String room = "recon0";
        if (c.sioRecovered) return CompletableFuture.completedFuture(true);
        if (old.resumeToken != null && old.epoch != null) {
            String body = "{\"token\":\"" + old.resumeToken + "\",\"rooms\":{\"" + room + "\":{\"epoch\":\"" + old.epoch
                    + "\",\"offset\":" + old.lastOffset() + "}}}";
            return c.request("session:resume", body).thenCompose(reply -> {
                if (reply.path("resumed").asBoolean(false))
                    return CompletableFuture.completedFuture(reply.path("rooms").path(room).path("recovered").asBoolean(false));
                return c.request("room:join", "{\"room\":\"" + room + "\"}").thenApply(x -> false);
            });
        }
        return c.request("room:join", "{\"room\":\"" + room + "\"}").thenApply(x -> false);
    }

    /** Publishes bench messages to a room at a fixed rate on the client's event loop, ticking every millisecond. */
    static final class Publisher {
        private final LoadClient client;
        private final String room;
        private final int source;
        private final double rate;
        private final String pad;
        private final Stats stats;
        private volatile io.netty.util.concurrent.ScheduledFuture<?> task;
        private long start;
        private int seq;

        Publisher(LoadClient client, String room, int source, double rate, String pad, Stats stats) {
            this.client = client;
            this.room = room;
            this.source = source;
            this.rate = rate;
            this.pad = pad;
            this.stats = stats;
        }

        void start() {
            var loop = client.channel().eventLoop();
            if (rate <= 5) { // slow publishers (chat-like): one message per period, random phase
                long period = (long) (1e9 / rate);
                task = loop.scheduleAtFixedRate(this::one, ThreadLocalRandom.current().nextLong(period), period, TimeUnit.NANOSECONDS);
            } else {
                loop.execute(() -> start = System.nanoTime());
                task = loop.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.MILLISECONDS);
            }
        }

        void stop() {
            var t = task;
            if (t != null) t.cancel(false);
            // let a tick already running finish before totals are read
            try {
                client.channel().eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // the connection is gone; nothing more is sent
            }
        }

        private void one() {
            if (!client.channel().isActive()) return;
            client.send(client.eventPayload(LoadClient.publishPayload(room, seq++, source, pad)));
            stats.sent.increment();
        }

        private void tick() {
            if (!client.channel().isActive()) return;
            long due = (long) ((System.nanoTime() - start) * rate / 1e9);
            int burst = 0;
            while (seq < due && burst < 5000) {
                client.write(client.eventPayload(LoadClient.publishPayload(room, seq++, source, pad)));
                burst++;
            }
            if (burst > 0) {
                client.channel().flush();
                stats.sent.add(burst);
            }
        }
    }
}
