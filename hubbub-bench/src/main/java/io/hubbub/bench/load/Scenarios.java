package io.hubbub.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

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

    public Scenarios(Settings settings, PrintStream log, String label) {
        this.s = settings;
        this.progress = new Progress(log, label);
    }

    /** The spaces scenario's {@code space:moves} form: compact ({@code m: [n, x, y, …]}, the default) or full. */
    public Scenarios spacesCompact(boolean compact) {
        this.spacesCompact = compact;
        return this;
    }

    public Result run(String scenario) throws Exception {
        boolean paced = scenario.equals("connect") && s.connectRate() > 0;
        try (Generator g = new Generator(s.loops(), s.sourceAddresses(), paced ? PACED_IN_FLIGHT : 256)) {
            return switch (scenario) {
                case "connect" -> connect(g);
                case "fanout" -> fanout(g);
                case "rooms" -> rooms(g);
                case "churn" -> churn(g);
                case "reconnect" -> reconnect(g);
                case "spaces" -> new SpacesScenario(s, stats, progress, spacesCompact).run(g);
                case "signal" -> signal(g);
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

    private Map<String, Object> params(Object... kv) {
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
        // latency = upgrade request sent → session ready; server CPU per delivery = CPU per connection while connecting
        Result r = Result.of(s.target(), "connect", params("connections", s.connections(), "connectRate", s.connectRate()), ok.size(), 0,
                ok.size(), ok.size(), latency, a, b, s.serverPid(), stats, s.connections() - ok.size(), perConn, extra);
        Generator.closeAll(ok);
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

    // ---- signal: many two-peer rooms doing a WebRTC-like offer/answer/ICE exchange ----

    /** ICE candidates each side trickles per negotiation. */
    static final int SIGNAL_CANDIDATES = 4;
    private static final String CANDIDATE_LINE =
            "candidate:842163049 1 udp 1677729535 192.0.2.10 54321 typ srflx raddr 10.0.0.2 rport 54321 generation 0 ufrag aB3d network-cost 999";
    static final int OFFER = 0, ANSWER = 1, CANDIDATE = 2;

    /**
     * {@code connections} is the number of rooms (two connections each). Set-up, timed twice: first on
     * the fresh server (cold, {@code roomsPerSec}; those rooms are then closed), then as many again on the
     * now warm server ({@code roomsPerSecWarm}; these rooms carry the exchange). Every room is opened
     * from nothing, at most 128 rooms in flight: both peers connect (Hubbub: authenticated session;
     * PeerJS: OPEN), then (Hubbub) the first peer sends {@code signal:join {create:true}} and, once
     * answered, the second peer joins — rooms/s and set-up latency. PeerJS has no rooms: a "room" there
     * is two registered peer ids. Exchange: each room at {@code rate} negotiations/s (random phase);
     * one negotiation is offer + 4 candidates from the first peer to the second, and on the offer's
     * arrival answer + 4 candidates back, every signal addressed to the named peer, fire-and-forget
     * (no ack requested from either server). Latency is from the sender's stamp to the addressed peer's
     * read; the offer's own percentiles are in extra. The SDP is {@code payload} bytes.
     */
    private Result signal(Generator g) throws Exception {
        int rooms = s.connections();
        boolean peerjs = s.endpoint().protocol() == Protocol.PEERJS;
        String tag = Long.toString(System.nanoTime() % 1_000_000, 36); // fresh ids per run (PeerJS keeps ids until the socket closes)
        // Round 1 (cold): rooms opened on the fresh server, then closed; round 2 (warm): as many again, kept for
        // the exchange. Both are reported, so a JVM's JIT warm-up and the steady set-up rate are seen side by side.
        LoadClient[] ca = new LoadClient[rooms];
        LoadClient[] cb = new LoadClient[rooms];
        SetupRound cold = setupRound(g, "c" + tag, ca, cb, peerjs, 0);
        List<LoadClient> coldOpen = new ArrayList<>();
        for (int i = 0; i < rooms; i++) {
            for (LoadClient c : List.of(ca[i], cb[i])) if (c.ready.isDone() && !c.ready.isCompletedExceptionally()) coldOpen.add(c);
        }
        Generator.closeAll(coldOpen);
        Thread.sleep(1000); // the server's peer-left / room removal of round 1 out of round 2's window
        LoadClient[] as = new LoadClient[rooms];
        LoadClient[] bs = new LoadClient[rooms];
        SetupRound warmRound = setupRound(g, tag, as, bs, peerjs, rooms);
        int opened = warmRound.opened;
        progress.force(String.format("rooms/s: cold %.0f (%d opened), warm %.0f (%d opened)", cold.perSec(), cold.opened,
                warmRound.perSec(), warmRound.opened));
        if (opened == 0) throw new IllegalStateException("no room could be opened");

        String sdp = "v=0 o=- 4611731400430051336 2 IN IP4 127.0.0.1 s=- t=0 0 " + "x".repeat(Math.max(0, s.payload() - 60));
        Recorder offers = new Recorder(60_000_000L, 3);
        java.util.concurrent.atomic.LongAdder offersSent = new java.util.concurrent.atomic.LongAdder();
        java.util.concurrent.atomic.AtomicBoolean recordOffers = new java.util.concurrent.atomic.AtomicBoolean(false);
        List<java.util.concurrent.ScheduledFuture<?>> tasks = new ArrayList<>();
        List<LoadClient> all = new ArrayList<>(2 * rooms);
        long period = (long) (1e9 / Math.max(0.001, s.rate()));
        for (int i = 0; i < rooms; i++) {
            LoadClient a = as[i], b = bs[i];
            if (!a.ready.isDone() || a.ready.isCompletedExceptionally() || !b.ready.isDone() || b.ready.isCompletedExceptionally()) continue;
            all.add(a);
            all.add(b);
            String room = "sig" + tag + "-" + i;
            int roomIndex = i;
            b.listener = (c, seq, sent, kind, micros) -> {
                if (kind != OFFER) return;
                if (recordOffers.get()) offers.recordValue(Math.min(60_000_000L, micros));
                c.write(signalFrame(peerjs, room, a.user, ANSWER, seq, sdp, roomIndex));
                for (int k = 0; k < SIGNAL_CANDIDATES; k++) c.write(signalFrame(peerjs, room, a.user, CANDIDATE, seq, sdp, roomIndex));
                c.channel().flush();
                stats.sent.add(1 + SIGNAL_CANDIDATES);
            };
            int[] seq = {0};
            tasks.add(a.channel().eventLoop().scheduleAtFixedRate(() -> {
                if (!a.channel().isActive()) return;
                int n = seq[0]++;
                a.write(signalFrame(peerjs, room, b.user, OFFER, n, sdp, roomIndex));
                for (int k = 0; k < SIGNAL_CANDIDATES; k++) a.write(signalFrame(peerjs, room, b.user, CANDIDATE, n, sdp, roomIndex));
                a.channel().flush();
                offersSent.increment();
                stats.sent.add(1 + SIGNAL_CANDIDATES);
            }, ThreadLocalRandom.current().nextLong(period), period, TimeUnit.NANOSECONDS));
        }
        sleepWithProgress(s.warmup(), "warm-up");
        stats.reset();
        recordOffers.set(true);
        long recv0 = stats.received.sum();
        long sent0 = stats.sent.sum();
        long offers0 = offersSent.sum();
        ProcStats.Snapshot a = ProcStats.Snapshot.take(s.serverPid());
        sleepWithProgress(s.seconds(), "measuring");
        tasks.forEach(t -> t.cancel(false));
        for (var loop : g.group()) loop.submit(() -> { }).get(5, TimeUnit.SECONDS); // a round already running finishes
        long offersTotal = offersSent.sum();
        long perNegotiation = 2L * (1 + SIGNAL_CANDIDATES);
        long expected = offersTotal * perNegotiation;
        drain(expected);
        ProcStats.Snapshot b = ProcStats.Snapshot.take(s.serverPid());
        Histogram h = stats.total();
        Histogram oh = offers.getIntervalHistogram();
        long deliveries = stats.received.sum() - recv0;
        long lost = Math.max(0, expected - stats.received.sum());
        Map<String, Object> extra = params(
                "roomsPerSec", Result.round(cold.perSec()), "roomsOpened", cold.opened, "roomsFailed", cold.failed,
                "setupSeconds", Result.round(cold.secs), "setupP50Ms", cold.p50Ms, "setupP99Ms", cold.p99Ms,
                "setupServerCpuUsPerRoom", cold.cpuUsPerRoom, "setupGenCpuUsPerRoom", cold.genCpuUsPerRoom,
                "setupBusyPct", cold.machineBusyPct,
                "roomsPerSecWarm", Result.round(warmRound.perSec()), "roomsOpenedWarm", warmRound.opened,
                "roomsFailedWarm", warmRound.failed, "setupSecondsWarm", Result.round(warmRound.secs),
                "setupP50MsWarm", warmRound.p50Ms, "setupP99MsWarm", warmRound.p99Ms,
                "setupServerCpuUsPerRoomWarm", warmRound.cpuUsPerRoom, "setupGenCpuUsPerRoomWarm", warmRound.genCpuUsPerRoom,
                "setupBusyPctWarm", warmRound.machineBusyPct,
                "offers", offersTotal - offers0,
                "offerP50Ms", oh.getTotalCount() == 0 ? -1 : oh.getValueAtPercentile(50) / 1000.0,
                "offerP99Ms", oh.getTotalCount() == 0 ? -1 : oh.getValueAtPercentile(99) / 1000.0,
                "offerP999Ms", oh.getTotalCount() == 0 ? -1 : oh.getValueAtPercentile(99.9) / 1000.0,
                "signalsPerSec", Result.round(deliveries / s.seconds()));
        Result r = Result.of(s.target(), "signal", params("rooms", rooms, "negotiationsPerSecEach", s.rate(),
                        "candidatesPerSide", SIGNAL_CANDIDATES, "sdpBytes", sdp.length()), all.size(), stats.sent.sum() - sent0,
                deliveries, deliveries, h, a, b, s.serverPid(), stats, lost, -1, extra);
        Generator.closeAll(all);
        for (int i = 0; i < rooms; i++) { // rooms that failed to open: close what connected, without waiting
            for (LoadClient c : List.of(as[i], bs[i])) {
                c.intentionalClose = true;
                if (c.channel() != null && c.channel().isOpen()) c.channel().close();
            }
        }
        return r;
    }

    /**
     * One timed round of room openings: rooms/s, set-up latency, the server's and the generator's CPU per room
     * (-1 if unknown) and how busy the whole machine was — to tell a server limit from a generator or machine one.
     */
    record SetupRound(int opened, int failed, double secs, double p50Ms, double p99Ms, double cpuUsPerRoom,
                      double genCpuUsPerRoom, double machineBusyPct) {
        double perSec() {
            return opened / Math.max(1e-9, secs);
        }
    }

    private SetupRound setupRound(Generator g, String tag, LoadClient[] as, LoadClient[] bs, boolean peerjs, int indexBase)
            throws Exception {
        Recorder setup = new Recorder(60_000_000L, 3);
        AtomicInteger failed = new AtomicInteger();
        // a client has its token before it connects (PeerJS's clients too): signing them is not set-up work
        List<String> users = new ArrayList<>(2 * as.length);
        for (int i = 0; i < as.length; i++) {
            users.add("sa" + tag + "-" + i);
            users.add("sb" + tag + "-" + i);
        }
        Endpoint endpoint = s.endpoint().withTokensMinted(users);
        ProcStats.Snapshot a0 = ProcStats.Snapshot.take(s.serverPid());
        long t0 = System.nanoTime();
        openRooms(g, endpoint, tag, as, bs, peerjs, setup, failed, indexBase);
        double secs = (System.nanoTime() - t0) / 1e9;
        ProcStats.Snapshot a1 = ProcStats.Snapshot.take(s.serverPid());
        int opened = as.length - failed.get();
        Histogram h = setup.getIntervalHistogram();
        double cpuMs = a0.serverCpu() < 0 || a1.serverCpu() < 0 ? -1 : (a1.serverCpu() - a0.serverCpu()) / 1e6;
        return new SetupRound(opened, failed.get(), secs,
                h.getTotalCount() == 0 ? -1 : h.getValueAtPercentile(50) / 1000.0,
                h.getTotalCount() == 0 ? -1 : h.getValueAtPercentile(99) / 1000.0,
                cpuMs < 0 ? -1 : Result.round(cpuMs * 1000 / Math.max(1, opened)),
                Result.round((a1.selfCpu() - a0.selfCpu()) / 1e3 / Math.max(1, opened)),
                a1.machineTotal() <= a0.machineTotal() ? -1
                        : Result.round(100.0 * (a1.machineBusy() - a0.machineBusy()) / (a1.machineTotal() - a0.machineTotal())));
    }

    /** Opens {@code as.length} two-peer rooms, at most 128 in flight; waits (at most 120 s) for all of them. */
    private void openRooms(Generator g, Endpoint endpoint, String tag, LoadClient[] as, LoadClient[] bs, boolean peerjs, Recorder setup,
                           AtomicInteger failed, int indexBase) throws Exception {
        java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(128);
        List<CompletableFuture<Void>> done = new ArrayList<>(as.length);
        for (int i = 0; i < as.length; i++) {
            window.acquire();
            LoadClient a = new LoadClient(2 * (i + indexBase), "sa" + tag + "-" + i, endpoint, stats);
            LoadClient b = new LoadClient(2 * (i + indexBase) + 1, "sb" + tag + "-" + i, endpoint, stats);
            as[i] = a;
            bs[i] = b;
            String room = "sig" + tag + "-" + i;
            long r0 = System.nanoTime();
            CompletableFuture<LoadClient> ca = g.connect(a, endpoint);
            CompletableFuture<LoadClient> cb = g.connect(b, endpoint);
            CompletableFuture<Void> f = peerjs ? CompletableFuture.allOf(ca, cb)
                    : ca.thenCompose(x -> a.request("signal:join", "{\"room\":\"" + room + "\",\"create\":true,\"capacity\":2}"))
                    .thenCombine(cb, (x, y) -> y)
                    .thenCompose(x -> b.request("signal:join", "{\"room\":\"" + room + "\"}"))
                    .thenAccept(x -> { });
            done.add(f.whenComplete((x, e) -> {
                window.release();
                if (e == null) setup.recordValue(Math.min(60_000_000L, (System.nanoTime() - r0) / 1000));
                else failed.incrementAndGet();
            }));
            progress.tick("opening rooms " + (i + 1) + "/" + as.length + " failed=" + failed.get());
        }
        try {
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException partial) {
            // counted in failed
        }
    }

    /** One signal to the named peer: Hubbub {@code signal:send}, PeerJS OFFER/ANSWER/CANDIDATE with dst. */
    static String signalFrame(boolean peerjs, String room, String to, int kind, int seq, String sdp, int source) {
        String bq = "\"bq\":[" + seq + "," + System.nanoTime() + "," + kind + "]";
        String body = switch (kind) {
            case OFFER -> "{" + bq + ",\"type\":\"offer\",\"sdp\":\"" + sdp + "\"}";
            case ANSWER -> "{" + bq + ",\"type\":\"answer\",\"sdp\":\"" + sdp + "\"}";
            default -> "{" + bq + ",\"candidate\":\"" + CANDIDATE_LINE + "\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}";
        };
        if (peerjs) {
            String type = switch (kind) { case OFFER -> "OFFER"; case ANSWER -> "ANSWER"; default -> "CANDIDATE"; };
            String field = kind == CANDIDATE ? "candidate" : "sdp";
            return "{\"type\":\"" + type + "\",\"dst\":\"" + to + "\",\"payload\":{\"" + field + "\":" + body
                    + ",\"type\":\"data\",\"connectionId\":\"dc_" + room + "\"}}";
        }
        String k = switch (kind) { case OFFER -> "offer"; case ANSWER -> "answer"; default -> "ice-candidate"; };
        return "{\"type\":\"signal:send\",\"payload\":{\"room\":\"" + room + "\",\"to\":\"" + to + "\",\"kind\":\"" + k
                + "\",\"signal\":" + body + "}}";
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
