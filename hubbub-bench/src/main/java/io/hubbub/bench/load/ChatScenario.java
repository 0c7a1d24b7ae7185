package io.hubbub.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.util.CharsetUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code chat} (issue 10): N users in group chats of {@code --room-size} (created with
 * {@code chat:create}; {@code --room-size 2}: direct chats), each sending {@code message:new {chatId, text, clientId}} at R messages/s
 * (open loop: a send does not wait for the previous ack). The acknowledgement comes only after the
 * message is committed to the database, so the latency (p50/p99) is send→ack: persisted messages.
 * Every member (the sender too) gets the {@code message:new} push; "delivered" counts those, with
 * send→push latency in the extras.
 *
 * <p>Nothing lost: each member checks that its chat's pushes arrive with consecutive {@code seq}
 * (a jump is a gap, a repeat or step back is "reordered"); after the senders stop, the run waits
 * (bounded) for every outstanding ack and push, then "lost" = acked messages × members − pushes seen.
 */
public final class ChatScenario {
    private static final byte[] MESSAGE_NEW = "\"message:new\"".getBytes(CharsetUtil.US_ASCII);
    private static final byte[] TEXT = "\"text\":\"t".getBytes(CharsetUtil.US_ASCII);
    private static final byte[] SEQ = "\"seq\":".getBytes(CharsetUtil.US_ASCII);

    private final Scenarios.Settings s;
    private final Stats stats;
    private final Progress progress;
    private final int n;
    private final int size;
    private final String[] chatOf;
    private final long[] lastSeq;
    private final LongAdder acked = new LongAdder();
    private final LongAdder refused = new LongAdder();
    /** Refused sends by error code (bounded: 20 codes). */
    private final java.util.concurrent.ConcurrentHashMap<String, LongAdder> refusedBy = new java.util.concurrent.ConcurrentHashMap<>();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder gaps = new LongAdder();
    private final ConcurrentHistogram push = new ConcurrentHistogram(60_000_000L, 3);
    private volatile boolean measuring;
    /** CPU (ns) of a database running outside the server (PostgreSQL started by the tool), or null / -1: none. */
    public static volatile java.util.function.LongSupplier databaseCpu;

    ChatScenario(Scenarios.Settings s, Stats stats, Progress progress) {
        this.s = s;
        this.stats = stats;
        this.progress = progress;
        this.size = Math.max(2, s.roomSize());
        this.n = s.connections() / size * size;
        if (n == 0) throw new IllegalArgumentException("need at least --room-size connections");
        this.chatOf = new String[n];
        this.lastSeq = new long[n];
    }

    Result run(Generator g) throws Exception {
        List<LoadClient> clients = new ArrayList<>(n);
        for (int i = 0; i < n; i++) clients.add(new LoadClient(i, "c" + i, s.endpoint(), stats));
        clients = g.connectAll(clients, s.endpoint(), progress);
        if (clients.size() < n) throw new IllegalStateException("only " + clients.size() + "/" + n + " connected");
        for (LoadClient c : clients) {
            c.frameMarker = MESSAGE_NEW;
            c.frameSink = (buf, now) -> onPush(c.index, buf, now);
        }
        // one group per `size` consecutive users, created by its first member
        List<CompletableFuture<JsonNode>> creates = new ArrayList<>();
        for (int first = 0; first < n; first += size) {
            StringBuilder members = new StringBuilder();
            for (int m = first + 1; m < first + size; m++) members.append(m > first + 1 ? "," : "").append("\"c").append(m).append('"');
            int f = first;
            String create = size == 2 ? "{\"type\":\"direct\",\"userId\":\"c" + (first + 1) + "\"}"
                    : "{\"type\":\"group\",\"name\":\"bench " + first + "\",\"members\":[" + members + "]}";
            creates.add(clients.get(first).request("chat:create", create)
                    .thenApply(reply -> {
                        String id = reply.path("chat").path("id").asText();
                        for (int m = f; m < f + size; m++) chatOf[m] = id;
                        return reply;
                    }));
            if (creates.size() % 100 == 0) CompletableFuture.allOf(creates.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            progress.tick("chats " + creates.size() + "/" + n / size);
        }
        CompletableFuture.allOf(creates.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        Thread.sleep(300); // the creation pushes (chat:created, the system message) settle; seq tracking starts at the first bench push

        LongAdder sent = new LongAdder();
        List<ScheduledFuture<?>> senders = new ArrayList<>();
        long period = (long) (1e9 / s.rate());
        for (LoadClient c : clients) {
            String chat = chatOf[c.index];
            long[] k = {0};
            senders.add(c.channel().eventLoop().scheduleAtFixedRate(() -> {
                if (!c.channel().isActive()) return;
                long t = System.nanoTime();
                boolean counted = measuring;
                sent.increment();
                c.request("message:new", "{\"chatId\":\"" + chat + "\",\"text\":\"t" + t + "\",\"clientId\":\"b" + c.index + "-" + (k[0]++) + "\"}")
                        .whenComplete((reply, e) -> {
                            if (e != null) {
                                refused.increment();
                                String why = String.valueOf(e.getMessage());
                                int at = why.indexOf("\"code\":\"");
                                String code = at < 0 ? "other" : why.substring(at + 8, Math.max(at + 8, why.indexOf('"', at + 8)));
                                if (refusedBy.size() < 20 || refusedBy.containsKey(code)) refusedBy.computeIfAbsent(code, x -> new LongAdder()).increment();
                                return;
                            }
                            acked.increment();
                            if (counted) stats.record((System.nanoTime() - t) / 1000);
                        });
            }, ThreadLocalRandom.current().nextLong(period), period, TimeUnit.NANOSECONDS));
        }
        sleep(s.warmup(), "warm-up");
        stats.reset();
        push.reset();
        measuring = true;
        long acked0 = acked.sum(), delivered0 = delivered.sum();
        java.util.function.LongSupplier dbCpu = databaseCpu;
        long db0 = dbCpu == null ? -1 : dbCpu.getAsLong();
        ProcStats.Snapshot a = ProcStats.Snapshot.take(s.serverPid());
        sleep(s.seconds(), "measuring");
        ProcStats.Snapshot b = ProcStats.Snapshot.take(s.serverPid());
        long db1 = dbCpu == null ? -1 : dbCpu.getAsLong();
        measuring = false;
        long ackedIn = acked.sum() - acked0, deliveredIn = delivered.sum() - delivered0;
        senders.forEach(f -> f.cancel(false));
        Histogram h = stats.total();
        Histogram pushes = push.copy();

        // drain: every send answered, every acked message pushed to every member (bounded)
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < until && (acked.sum() + refused.sum() < sent.sum() || delivered.sum() < acked.sum() * size)) {
            Thread.sleep(50);
            progress.tick("draining acked=" + acked.sum() + "/" + sent.sum() + " delivered=" + delivered.sum() + "/" + acked.sum() * size);
        }
        long lost = Math.max(0, acked.sum() * size - delivered.sum()) + gaps.sum();

        Map<String, Object> params = new LinkedHashMap<>();
        params.put("users", n);
        params.put("chatSize", size);
        params.put("chats", n / size);
        params.put("msgsPerSecEach", s.rate());
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("persistedMsgsPerSec", Result.round(ackedIn / s.seconds()));
        extra.put("deliveredPerSec", Result.round(deliveredIn / s.seconds()));
        extra.put("ackP50Ms", h.getTotalCount() == 0 ? -1 : h.getValueAtPercentile(50) / 1000.0);
        extra.put("ackP99Ms", h.getTotalCount() == 0 ? -1 : h.getValueAtPercentile(99) / 1000.0);
        extra.put("pushP50Ms", pushes.getTotalCount() == 0 ? -1 : pushes.getValueAtPercentile(50) / 1000.0);
        extra.put("pushP99Ms", pushes.getTotalCount() == 0 ? -1 : pushes.getValueAtPercentile(99) / 1000.0);
        long serverCpu = a.serverCpu() < 0 || b.serverCpu() < 0 ? -1 : b.serverCpu() - a.serverCpu();
        double wall = (b.wallNanos() - a.wallNanos());
        extra.put("serverCpuUsPerMsg", serverCpu < 0 || ackedIn == 0 ? -1 : Result.round(serverCpu / 1000.0 / ackedIn));
        extra.put("serverCpuUsPerPush", serverCpu < 0 || deliveredIn == 0 ? -1 : Result.round(serverCpu / 1000.0 / deliveredIn));
        if (db0 >= 0 && db1 >= 0) {
            extra.put("dbCpuPct", Result.round(100.0 * (db1 - db0) / wall));
            extra.put("dbCpuUsPerMsg", ackedIn == 0 ? -1 : Result.round((db1 - db0) / 1000.0 / ackedIn));
        }
        extra.put("refusedSends", refused.sum());
        if (!refusedBy.isEmpty()) extra.put("refusedBy", new java.util.TreeMap<>(refusedBy).toString());
        extra.put("seqGaps", gaps.sum());
        extra.put("unanswered", Math.max(0, sent.sum() - acked.sum() - refused.sum()));
        Result r = Result.of(s.target(), "chat", params, clients.size(), ackedIn, deliveredIn, deliveredIn, h, a, b, s.serverPid(),
                stats, lost, -1, extra);
        Generator.closeAll(clients);
        return r;
    }

    /** A message:new push to member {@code m} (its event loop): seq order, and send→push latency of bench messages. */
    private void onPush(int m, ByteBuf buf, long now) {
        int ti = LoadClient.indexOf(buf, TEXT, buf.readerIndex());
        if (ti < 0) return; // a system message (chat created)
        long[] out = new long[1];
        LoadClient.parseLong(buf, ti + TEXT.length, out);
        long sentAt = out[0];
        int si = LoadClient.indexOf(buf, SEQ, buf.readerIndex());
        if (si < 0) return;
        LoadClient.parseLong(buf, si + SEQ.length, out);
        long seq = out[0];
        long last = lastSeq[m];
        if (last != 0) {
            if (seq <= last) stats.reordered.increment();
            else if (seq > last + 1) gaps.add(seq - last - 1);
        }
        if (seq > last) lastSeq[m] = seq;
        delivered.increment();
        stats.received.increment();
        if (measuring) push.recordValue(Math.max(0, Math.min((now - sentAt) / 1000, 60_000_000L)));
    }

    private void sleep(double seconds, String what) throws InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long t0 = System.nanoTime();
        while (System.nanoTime() < end) {
            Thread.sleep(Math.min(200, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            double el = (System.nanoTime() - t0) / 1e9;
            progress.tick(String.format("%s %.0fs acked=%d (%.0f/s) delivered=%d refused=%d disconnects=%d", what, el, acked.sum(),
                    acked.sum() / Math.max(el, 0.001), delivered.sum(), refused.sum(), stats.disconnects.sum()));
        }
    }
}
