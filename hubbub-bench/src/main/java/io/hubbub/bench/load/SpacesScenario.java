package io.hubbub.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.util.CharsetUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code spaces}: one space (created over HTTP {@code POST /api/v1/space}) — or N / roomSize spaces of
 * roomSize avatars each ({@code bench run --spaces K}) — N avatars joined with
 * {@code space:join}, each walking a 4×4 square (12 one-tile steps, a lap every 12/R s) at R tiles/s
 * with {@code space:move}. Every other member sees every move (area of interest off unless the server
 * is told otherwise), as {@code space:moves} pushes, batched per tick or not.
 *
 * <p>Latency is move→seen: the mover stamps the send time of each step into a table shared by the
 * generator (slot = the step's place on its square); a receiver that sees mover m at (x, y) looks
 * up the slot of (x, y) on m's square. With batching a receiver sees only each mover's latest
 * position per tick: "coalesced" is the moves it was never told of (expected: (N-1) per accepted
 * move), not a loss. Without batching every accepted move should reach every other member.
 *
 * <p>The avatars ask for the compact form ({@code space:join {compact: true}}: {@code m: [n, x, y, …]},
 * members by the short number of their join reply) unless told {@code --space-form full}. The receive
 * path is built to leave the cores to the server: one pass over the frame's bytes with no allocation,
 * the latency of <b>every</b> entry recorded (no sampling; the Colyseus generator records every
 * delivery too) into a plain histogram per event loop, read on its loop at the end, and one counter
 * update per frame.
 */
final class SpacesScenario {
    private static final byte[] MOVES = "\"space:moves\"".getBytes(CharsetUtil.US_ASCII);
    private static final byte[] USER = "\"userId\":\"s".getBytes(CharsetUtil.US_ASCII);
    private static final byte[] X = "\"x\":".getBytes(CharsetUtil.US_ASCII);
    private static final byte[] Y = "\"y\":".getBytes(CharsetUtil.US_ASCII);
    private static final byte[] M = "\"m\":[".getBytes(CharsetUtil.US_ASCII);
    private static final int LAP = 12;

    private final Scenarios.Settings s;
    private final Stats stats;
    private final Progress progress;
    private final int n;
    private final int perSpace;
    private final int[] ox, oy, dx, dy;
    private final AtomicLongArray sentAt;
    private final LongAdder accepted = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final LongAdder unknownNumbers = new LongAdder();
    private final boolean compact;
    private final int[] ownN; // each avatar's short number in its space
    private volatile int[][] moverByN; // per space: short number → avatar index (-1: none); set once, after the joins
    /** Entries are timed only inside the measured window (warm-up and drain are not). */
    private volatile boolean measuring;

    SpacesScenario(Scenarios.Settings s, Stats stats, Progress progress, boolean compact) {
        this.s = s;
        this.compact = compact;
        this.stats = stats;
        this.progress = progress;
        this.n = s.connections();
        this.perSpace = Math.max(1, Math.min(n, s.roomSize()));
        ox = new int[n];
        oy = new int[n];
        dx = new int[n];
        dy = new int[n];
        sentAt = new AtomicLongArray(n * LAP);
        ownN = new int[n];
    }

    /** The place (0..11) of (x, y) on mover m's square, or -1. */
    private int slot(int m, int x, int y) {
        int rx = (x - ox[m]) * dx[m], ry = (y - oy[m]) * dy[m];
        if (ry == 0 && rx >= 0 && rx <= 3) return rx % LAP;
        if (rx == 3 && ry > 0 && ry <= 3) return 3 + ry;
        if (ry == 3 && rx >= 0 && rx < 3) return 6 + (3 - rx);
        if (rx == 0 && ry > 0 && ry < 3) return 9 + (3 - ry);
        return -1;
    }

    /** Position of step k (k ≥ 1; step k goes to place k % 12). */
    private int[] position(int m, int k) {
        int i = k % LAP;
        int rx, ry;
        if (i <= 3) { rx = i; ry = 0; }
        else if (i <= 6) { rx = 3; ry = i - 3; }
        else if (i <= 9) { rx = 3 - (i - 6); ry = 3; }
        else { rx = 0; ry = 3 - (i - 9); }
        return new int[] {ox[m] + rx * dx[m], oy[m] + ry * dy[m]};
    }

    Result run(Generator g) throws Exception {
        int side = Math.max(20, (int) Math.ceil(Math.sqrt(perSpace * 40.0)));
        int spaces = (n + perSpace - 1) / perSpace;
        List<String> spaceIds = new ArrayList<>(spaces);
        for (int i = 0; i < spaces; i++) {
            spaceIds.add(createSpace(side));
            progress.tick("creating spaces " + (i + 1) + "/" + spaces);
        }
        List<LoadClient> clients = new ArrayList<>(n);
        for (int i = 0; i < n; i++) clients.add(new LoadClient(i, "s" + i, s.endpoint(), stats));
        clients = g.connectAll(clients, s.endpoint(), progress);
        if (clients.size() < n) throw new IllegalStateException("only " + clients.size() + "/" + n + " connected");
        Map<io.netty.channel.EventLoop, Receiver> receivers = new LinkedHashMap<>();
        for (LoadClient c : clients) {
            c.frameMarker = MOVES;
            int self = c.index;
            Receiver r = receivers.computeIfAbsent(c.channel().eventLoop(), Receiver::new);
            c.frameSink = compact ? (buf, now) -> r.onCompact(buf, now, self) : (buf, now) -> r.onFull(buf, now, self);
        }
        List<CompletableFuture<JsonNode>> joins = new ArrayList<>();
        String form = compact ? ",\"compact\":true}" : "}";
        for (LoadClient c : clients) {
            int m = c.index;
            joins.add(c.request("space:join", "{\"spaceId\":\"" + spaceIds.get(m / perSpace) + "\"" + form).thenApply(reply -> {
                ownN[m] = reply.path("n").asInt(-1);
                int x = reply.path("spawn").path("x").asInt(), y = reply.path("spawn").path("y").asInt();
                ox[m] = x;
                oy[m] = y;
                dx[m] = x + 3 < side ? 1 : -1;
                dy[m] = y + 3 < side ? 1 : -1;
                return reply;
            }));
            if (joins.size() % 200 == 0) CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            progress.tick("joining " + joins.size() + "/" + n);
        }
        CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        numbers(spaces);
        Thread.sleep(500); // let the join pushes (N² user-joined) settle

        List<ScheduledFuture<?>> walkers = new ArrayList<>();
        long period = (long) (1e9 / s.rate());
        for (LoadClient c : clients) {
            Walker w = new Walker(c, c.index);
            walkers.add(c.channel().eventLoop().scheduleAtFixedRate(w::tick,
                    ThreadLocalRandom.current().nextLong(period), period, TimeUnit.NANOSECONDS));
        }
        sleep(s.warmup(), "warm-up");
        stats.reset();
        measuring = true;
        long recv0 = stats.received.sum();
        long acc0 = accepted.sum();
        long rej0 = rejected.sum();
        long skip0 = skipped.sum();
        ProcStats.Snapshot a = ProcStats.Snapshot.take(s.serverPid());
        sleep(s.seconds(), "measuring");
        ProcStats.Snapshot b = ProcStats.Snapshot.take(s.serverPid());
        measuring = false;
        walkers.forEach(w -> w.cancel(false));
        Histogram h = new Histogram(60_000_000L, 3);
        for (Receiver r : receivers.values()) h.add(r.loop.submit(r.latency::copy).get(10, TimeUnit.SECONDS)); // read on its own loop
        long deliveries = stats.received.sum() - recv0;
        long moves = accepted.sum() - acc0;
        long expected = moves * (perSpace - 1);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("avatars", n);
        params.put("tilesPerSec", s.rate());
        params.put("space", side + "x" + side);
        params.put("spaces", spaces);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("acceptedMovesPerSec", Result.round(moves / s.seconds()));
        extra.put("rejectedMoves", rejected.sum() - rej0);
        extra.put("skippedBeats", skipped.sum() - skip0);
        extra.put("expectedDeliveries", expected);
        extra.put("coalescedOrMissing", Math.max(0, expected - deliveries));
        extra.put("form", compact ? "compact" : "full");
        if (unknownNumbers.sum() > 0) extra.put("unknownNumbers", unknownNumbers.sum());
        Result r = Result.of(s.target(), "spaces", params, clients.size(), moves, deliveries, deliveries, h, a, b, s.serverPid(),
                stats, 0, -1, extra);
        Generator.closeAll(clients);
        return r;
    }

    /**
     * One avatar: every period it asks for the next step of its square, unless its previous move is
     * still unanswered (then it skips a beat: "skipped"). A refused move leaves it where it was, so
     * the next step is asked again from there.
     */
    private final class Walker {
        final LoadClient c;
        final int m;
        int at; // last accepted step
        boolean inFlight;

        Walker(LoadClient c, int m) {
            this.c = c;
            this.m = m;
        }

        void tick() { // on c's event loop
            if (!c.channel().isActive()) return;
            if (inFlight) {
                skipped.increment();
                return;
            }
            int k = at + 1;
            int[] p = position(m, k);
            inFlight = true;
            sentAt.set(m * LAP + k % LAP, System.nanoTime());
            stats.sent.increment();
            c.request("space:move", "{\"x\":" + p[0] + ",\"y\":" + p[1] + "}").whenComplete((reply, e) -> {
                inFlight = false;
                if (e == null && reply.path("accepted").asBoolean(false)) {
                    at = k;
                    accepted.increment();
                } else rejected.increment();
            });
        }
    }

    /** Short number → avatar, per space, from every avatar's own join reply (numbers are per space). */
    private void numbers(int spaces) {
        int[] max = new int[spaces];
        for (int m = 0; m < n; m++) max[m / perSpace] = Math.max(max[m / perSpace], ownN[m]);
        moverByN = new int[spaces][];
        for (int sp = 0; sp < spaces; sp++) {
            moverByN[sp] = new int[max[sp] + 1];
            java.util.Arrays.fill(moverByN[sp], -1);
        }
        for (int m = 0; m < n; m++) if (ownN[m] >= 0) moverByN[m / perSpace][ownN[m]] = m;
    }

    /**
     * The receive side of one generator event loop (every method runs on {@code loop}): parses
     * {@code space:moves} pushes, one delivery per entry of another member, each entry's move→seen
     * latency into a histogram only this loop writes.
     */
    private final class Receiver implements io.netty.util.ByteProcessor {
        final io.netty.channel.EventLoop loop;
        final Histogram latency = new Histogram(60_000_000L, 3);
        private final long[] out = new long[1];
        // the compact parser's state, for one frame
        private int selfN, field, value, entryN, entryX, count;
        private int[] byN;
        private boolean inNumber;
        private long now;
        private boolean timed;

        Receiver(io.netty.channel.EventLoop loop) {
            this.loop = loop;
        }

        /** {@code m: [n, x, y, …]}: one pass over the array's bytes ({@link #process}), nothing allocated. */
        void onCompact(ByteBuf buf, long now, int self) {
            int at = LoadClient.indexOf(buf, M, buf.readerIndex());
            int[][] numbers = moverByN;
            if (at < 0 || numbers == null) return;
            this.selfN = ownN[self];
            this.byN = numbers[self / perSpace];
            this.now = now;
            this.timed = measuring;
            field = 0;
            value = 0;
            count = 0;
            inNumber = false;
            int from = at + M.length;
            buf.forEachByte(from, buf.writerIndex() - from, this);
            if (count > 0) stats.received.add(count);
        }

        @Override
        public boolean process(byte b) {
            if (b >= '0' && b <= '9') {
                value = value * 10 + (b - '0');
                inNumber = true;
                return true;
            }
            if (inNumber) {
                switch (field) {
                    case 0 -> entryN = value;
                    case 1 -> entryX = value;
                    default -> entry(entryN, entryX, value);
                }
                field = field == 2 ? 0 : field + 1;
                value = 0;
                inNumber = false;
            }
            return b != ']';
        }

        private void entry(int number, int x, int y) {
            if (number == selfN) return;
            count++;
            int m = number < byN.length ? byN[number] : -1;
            if (m < 0) {
                unknownNumbers.increment();
                return;
            }
            seen(m, x, y);
        }

        /**
         * {@code moves: [{userId, x, y}]}: every {userId, x, y} of another member is one delivery (a shared
         * per-tick frame lists the receiver's own move too: not counted, as Colyseus's load skips it).
         */
        void onFull(ByteBuf buf, long now, int self) {
            this.now = now;
            this.timed = measuring;
            int deliveries = 0;
            int at = buf.readerIndex();
            while ((at = LoadClient.indexOf(buf, USER, at)) >= 0) {
                int p = LoadClient.parseLong(buf, at + USER.length, out);
                int m = (int) out[0];
                int xi = LoadClient.indexOf(buf, X, p);
                if (xi < 0) break;
                p = LoadClient.parseLong(buf, xi + X.length, out);
                int x = (int) out[0];
                int yi = LoadClient.indexOf(buf, Y, p);
                if (yi < 0) break;
                p = LoadClient.parseLong(buf, yi + Y.length, out);
                int y = (int) out[0];
                at = p;
                if (m == self) continue;
                deliveries++;
                if (m >= 0 && m < n) seen(m, x, y);
            }
            if (deliveries > 0) stats.received.add(deliveries);
        }

        /** Mover m seen at (x, y): the latency from the send of the step that put it there. */
        private void seen(int m, int x, int y) {
            if (!timed) return;
            int slot = slot(m, x, y);
            if (slot < 0) return;
            long t = sentAt.get(m * LAP + slot);
            if (t != 0) latency.recordValue(Math.max(0, Math.min((now - t) / 1000, 60_000_000L)));
        }
    }

    private String createSpace(int side) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String body = "{\"name\":\"bench\",\"dimensions\":\"" + side + "x" + side + "\"}";
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + s.endpoint().host() + ":" + s.endpoint().port() + "/api/v1/space"))
                .header("Authorization", "Bearer " + s.endpoint().token("s0")).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) throw new IllegalStateException("POST /api/v1/space: " + res.statusCode() + " " + res.body());
        return LoadClient.JSON.readTree(res.body()).path("spaceId").asText();
    }

    private void sleep(double seconds, String what) throws InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long r0 = stats.received.sum();
        long t0 = System.nanoTime();
        while (System.nanoTime() < end) {
            Thread.sleep(Math.min(200, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            double el = (System.nanoTime() - t0) / 1e9;
            progress.tick(String.format("%s %.0fs moves=%d seen=%d (%.0f/s) rejected=%d disconnects=%d", what, el, stats.sent.sum(),
                    stats.received.sum(), (stats.received.sum() - r0) / el, rejected.sum(), stats.disconnects.sum()));
        }
    }
}
