package io.hubbub.bench.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The signal scenario: many two-peer rooms doing a WebRTC-like offer/answer/ICE exchange, on Hubbub's
 * {@code signal:*} events or the PeerJS server's frames; room set-up is timed cold and warm.
 */
final class SignalScenario {
    private final Scenarios.Settings s;
    private final Stats stats;
    private final Progress progress;

    SignalScenario(Scenarios.Settings s, Stats stats, Progress progress) {
        this.s = s;
        this.stats = stats;
        this.progress = progress;
    }

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
    Result run(Generator g) throws Exception {
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
        Scenarios.sleepWithProgress(stats, progress, s.warmup(), "warm-up");
        stats.reset();
        recordOffers.set(true);
        long recv0 = stats.received.sum();
        long sent0 = stats.sent.sum();
        long offers0 = offersSent.sum();
        ProcStats.Snapshot a = ProcStats.Snapshot.take(s.serverPid());
        Scenarios.sleepWithProgress(stats, progress, s.seconds(), "measuring");
        tasks.forEach(t -> t.cancel(false));
        for (var loop : g.group()) loop.submit(() -> { }).get(5, TimeUnit.SECONDS); // a round already running finishes
        long offersTotal = offersSent.sum();
        long perNegotiation = 2L * (1 + SIGNAL_CANDIDATES);
        long expected = offersTotal * perNegotiation;
        Scenarios.drain(stats, progress, expected);
        ProcStats.Snapshot b = ProcStats.Snapshot.take(s.serverPid());
        Histogram h = stats.total();
        Histogram oh = offers.getIntervalHistogram();
        long deliveries = stats.received.sum() - recv0;
        long lost = Math.max(0, expected - stats.received.sum());
        Map<String, Object> extra = Scenarios.params(
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
        Result r = Result.of(s.target(), "signal", Scenarios.params("rooms", rooms, "negotiationsPerSecEach", s.rate(),
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
}
