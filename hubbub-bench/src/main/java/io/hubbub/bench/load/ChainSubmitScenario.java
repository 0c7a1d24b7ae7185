package io.hubbub.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.fakesolana.FakeSolana;
import io.hubbub.fakesolana.FakeTx;
import io.netty.buffer.ByteBuf;
import io.netty.util.CharsetUtil;
import org.HdrHistogram.ConcurrentHistogram;
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
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code chain-submit} (issue 13): verified payments moving a live room ranking. Set-up: a room of N
 * watchers (the {@code -n} clients, all members), the first S of them ({@code --room-size}) link a wallet
 * each through the real routes ({@code POST /api/chain/wallets/nonce}, Ed25519-signed
 * {@code POST /api/chain/wallets}); an admin gives the room a payment rule (SOL to one recipient, score =
 * amount, operator {@code best}, commitment {@code confirmed}). Then R submissions/s in all (open loop,
 * paced on absolute due times, round-robin over the submitters): for submission k the submitter's wallet
 * pays the recipient {@code 1000 + k} lamports in a transaction landed on the fake node (the real
 * {@code getTransaction} shape), and the client sends {@code chain:tx:submit {room, signature}}; the
 * server fetches and verifies it, counts it once and answers.
 *
 * <p>Measured: verified (counted) submissions/s, submit→ack (the main latency columns), and two
 * submit→{@code rankings:update} latencies. Amounts grow with k and the board keeps each user's best, so
 * the top score of an update is the highest amount counted: a submitter sees submission k reflected by
 * the first update whose top score is at least {@code 1000 + k} ({@code rankSeen}; up to submits that
 * committed out of order, a few ms against the 250 ms batch), and every watcher gets, for each update
 * that raises the top, the submit time of the submission now on top ({@code roomSeen}). "Counted once":
 * after the drain a sample of counted signatures is submitted again and must all be refused
 * {@code tx_already_used}.
 */
final class ChainSubmitScenario {
    private static final byte[] MARKER = "\"rankings:update\"".getBytes(CharsetUtil.US_ASCII);
    private static final byte[] TOP = "\"top\":[".getBytes(CharsetUtil.US_ASCII);
    private static final byte[] SCORE = "\"score\":".getBytes(CharsetUtil.US_ASCII);
    static final long BASE_AMOUNT = 1000;
    private static final int REPLAYS = 50;

    private final Scenarios.Settings s;
    private final Stats stats;
    private final Progress progress;
    private final String room = "pay-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    private final String recipient = FakeTx.address();
    private final LongAdder counted = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder updates = new LongAdder();
    private final Map<String, LongAdder> refusedBy = new ConcurrentHashMap<>(); // bounded: 20 codes
    private final ConcurrentHistogram rankSeen = new ConcurrentHistogram(60_000_000L, 3);
    private final ConcurrentHistogram roomSeen = new ConcurrentHistogram(60_000_000L, 3);
    private long[] submitNanos = new long[0];
    private String[] signatures = new String[0];
    private long[] lastTop = new long[0];
    private List<ConcurrentLinkedQueue<Long>> outstanding = List.of();
    private volatile long measureFrom = Long.MAX_VALUE, measureTo = Long.MAX_VALUE;

    ChainSubmitScenario(Scenarios.Settings s, Stats stats, Progress progress) {
        this.s = s;
        this.stats = stats;
        this.progress = progress;
    }

    Result run(Generator g) throws Exception {
        FakeSolana node = ChainScenario.node();
        if (node == null) throw new IllegalStateException("chain-submit needs the fake node: start the server with ChainScenario.serverSettings()");
        int n = s.connections(), submitters = Math.max(1, Math.min(n, s.roomSize()));
        long total = (long) Math.ceil(s.rate() * (s.warmup() + s.seconds()));
        submitNanos = new long[(int) total];
        signatures = new String[(int) total];
        lastTop = new long[n];
        List<ConcurrentLinkedQueue<Long>> queues = new ArrayList<>(submitters);
        for (int i = 0; i < submitters; i++) queues.add(new ConcurrentLinkedQueue<>());
        outstanding = queues;

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        put(http, "/api/chain/rooms/" + room + "/payment", s.endpoint().adminToken("bench-admin"),
                "{\"recipient\":\"" + recipient + "\",\"minAmount\":" + BASE_AMOUNT + ",\"scoreRule\":\"amount\",\"operator\":\"best\","
                        + "\"reset\":\"never\",\"commitment\":\"confirmed\"}", "PUT");
        List<LoadClient> clients = new ArrayList<>(n);
        for (int i = 0; i < n; i++) clients.add(new LoadClient(i, "w" + i, s.endpoint(), stats));
        FakeTx.Wallet[] wallets = new FakeTx.Wallet[submitters];
        for (int i = 0; i < submitters; i++) {
            wallets[i] = link(http, clients.get(i).user);
            progress.tick("linking wallets " + (i + 1) + "/" + submitters);
        }
        clients = g.connectAll(clients, s.endpoint(), progress);
        if (clients.size() < n) throw new IllegalStateException("only " + clients.size() + "/" + n + " connected");
        for (LoadClient c : clients) {
            c.frameMarker = MARKER;
            c.frameSink = (buf, now) -> onUpdate(c.index, buf, now);
        }
        clients.getFirst().request("room:create", Scenarios.roomPayload(room, n, 0)).get(30, TimeUnit.SECONDS);
        List<CompletableFuture<JsonNode>> joins = new ArrayList<>();
        for (LoadClient c : clients.subList(1, n)) {
            joins.add(c.request("room:join", "{\"room\":\"" + room + "\"}"));
            if (joins.size() % 500 == 0) CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            progress.tick("joining " + joins.size() + "/" + (n - 1));
        }
        CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);

        long warm = (long) (s.rate() * s.warmup());
        ProcStats.Snapshot[] window = new ProcStats.Snapshot[2];
        measureFrom = warm;
        measureTo = total;
        long sentAt0 = System.nanoTime();
        long every = (long) (1e9 / s.rate());
        long countedAtStart = -1;
        for (long k = 0; k < total; k++) {
            long due = sentAt0 + k * every;
            for (long left; (left = due - System.nanoTime()) > 0; ) LockSupport.parkNanos(left);
            if (k == warm) {
                stats.reset();
                countedAtStart = counted.sum();
                window[0] = ProcStats.Snapshot.take(s.serverPid());
            }
            int u = (int) (k % submitters);
            submit(clients.get(u), u, wallets[u], node, k);
            if (k % 50 == 0) progress.tick(String.format("%s k=%d counted=%d refused=%d updates=%d", k < warm ? "warm-up" : "measuring", k,
                    counted.sum(), refused.sum(), updates.sum()));
        }
        if (window[0] == null) { // no warm-up submissions
            countedAtStart = 0;
            window[0] = ProcStats.Snapshot.take(s.serverPid());
        }
        window[1] = ProcStats.Snapshot.take(s.serverPid());
        long countedIn = counted.sum() - countedAtStart;
        long updates0 = updates.sum();

        // drain (bounded): every submit answered, every counted one seen by its submitter in an update
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && (counted.sum() + refused.sum() < total || queues.stream().anyMatch(q -> !q.isEmpty()))) {
            Thread.sleep(50);
            progress.tick("draining answered=" + (counted.sum() + refused.sum()) + "/" + total);
        }
        Thread.sleep(2 * 250 + 200); // the last rankings:update batch reaches every watcher
        long top = 0;
        for (LoadClient c : clients) top = Math.max(top, lastTop[c.index]);
        int behind = 0;
        for (LoadClient c : clients) if (lastTop[c.index] < top) behind++;
        long unseen = queues.stream().mapToLong(ConcurrentLinkedQueue::size).sum();

        // counted once: submitting counted signatures again is refused tx_already_used
        int replayed = 0, replayRefused = 0;
        for (long k = 0; k < total && replayed < REPLAYS; k += Math.max(1, total / REPLAYS)) {
            if (signatures[(int) k] == null) continue;
            replayed++;
            try {
                clients.get((int) (k % submitters)).request("chain:tx:submit", submitBody(signatures[(int) k])).get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (String.valueOf(e.getCause().getMessage()).contains("\"tx_already_used\"")) replayRefused++;
            }
        }

        Histogram h = stats.total();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("watchers", n);
        params.put("submitters", submitters);
        params.put("submissionsPerSec", s.rate());
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("verifiedPerSec", Result.round(countedIn / s.seconds()));
        extra.put("submitted", total);
        extra.put("counted", counted.sum());
        extra.put("refused", refused.sum());
        if (!refusedBy.isEmpty()) extra.put("refusedBy", new TreeMap<>(refusedBy).toString());
        extra.put("unanswered", Math.max(0, total - counted.sum() - refused.sum()));
        extra.put("ackP50Ms", pct(h, 50));
        extra.put("ackP99Ms", pct(h, 99));
        Histogram rs = rankSeen.copy(), ro = roomSeen.copy();
        extra.put("rankSeenP50Ms", pct(rs, 50));
        extra.put("rankSeenP99Ms", pct(rs, 99));
        extra.put("roomSeenP50Ms", pct(ro, 50));
        extra.put("roomSeenP99Ms", pct(ro, 99));
        extra.put("updatesDelivered", updates0);
        extra.put("countedNeverSeen", unseen);
        extra.put("watchersBehindFinalTop", behind);
        extra.put("replayed", replayed);
        extra.put("replayRefusedAlreadyUsed", replayRefused);
        Result r = Result.of(s.target(), "chain-submit", params, clients.size(), total - warm, countedIn, countedIn, h, window[0], window[1],
                s.serverPid(), stats, unseen + behind, -1, extra);
        Generator.closeAll(clients);
        return r;
    }

    private String submitBody(String signature) {
        return "{\"room\":\"" + room + "\",\"signature\":\"" + signature + "\"}";
    }

    /** Submission {@code k}: the wallet pays {@code 1000 + k} lamports (landed on the node), then the client submits the signature. */
    private void submit(LoadClient c, int u, FakeTx.Wallet wallet, FakeSolana node, long k) {
        String sig = node.land(FakeTx.tx().sol(wallet.address(), recipient, BASE_AMOUNT + k), false);
        int i = (int) k;
        signatures[i] = sig;
        long t = System.nanoTime();
        submitNanos[i] = t;
        outstanding.get(u).add(k);
        stats.sent.increment();
        c.request("chain:tx:submit", submitBody(sig)).whenComplete((reply, e) -> {
            if (e != null || !"counted".equals(reply.path("status").asText())) {
                refused.increment();
                outstanding.get(u).remove(k);
                String why = e == null ? "status " + reply.path("status").asText() : String.valueOf(e.getMessage());
                int at = why.indexOf("\"code\":\"");
                String code = at < 0 ? why.length() > 40 ? why.substring(0, 40) : why : why.substring(at + 8, Math.max(at + 8, why.indexOf('"', at + 8)));
                if (refusedBy.size() < 20 || refusedBy.containsKey(code)) refusedBy.computeIfAbsent(code, x -> new LongAdder()).increment();
                return;
            }
            counted.increment();
            if (k >= measureFrom && k < measureTo) stats.record((System.nanoTime() - t) / 1000);
        });
    }

    /** A rankings:update at watcher {@code w} (its event loop): its top score is the highest amount counted so far. */
    private void onUpdate(int w, ByteBuf buf, long now) {
        int at = LoadClient.indexOf(buf, TOP, buf.readerIndex());
        if (at < 0) return;
        at = LoadClient.indexOf(buf, SCORE, at);
        if (at < 0) return;
        long[] out = new long[1];
        LoadClient.parseLong(buf, at + SCORE.length, out);
        long k = out[0] - BASE_AMOUNT;
        updates.increment();
        stats.received.increment();
        if (k < 0 || k >= submitNanos.length || out[0] <= lastTop[w]) return;
        lastTop[w] = out[0];
        if (k >= measureFrom && k < measureTo) roomSeen.recordValue(clamp(now - submitNanos[(int) k]));
        if (w < outstanding.size()) {
            ConcurrentLinkedQueue<Long> q = outstanding.get(w);
            for (Long mine; (mine = q.peek()) != null && mine <= k; ) {
                q.poll();
                if (mine >= measureFrom && mine < measureTo) rankSeen.recordValue(clamp(now - submitNanos[mine.intValue()]));
            }
        }
    }

    private static long clamp(long nanos) {
        return Math.max(0, Math.min(nanos / 1000, 60_000_000L));
    }

    private static double pct(Histogram h, double p) {
        return h.getTotalCount() == 0 ? -1 : h.getValueAtPercentile(p) / 1000.0;
    }

    /** Links a new wallet to {@code user}: a nonce, then the nonce's message signed with the wallet's Ed25519 key. */
    private FakeTx.Wallet link(HttpClient http, String user) throws Exception {
        FakeTx.Wallet w = FakeTx.wallet();
        String token = s.endpoint().token(user);
        JsonNode nonce = LoadClient.JSON.readTree(put(http, "/api/chain/wallets/nonce", token, "{\"address\":\"" + w.address() + "\"}", "POST"));
        String body = "{\"address\":\"" + w.address() + "\",\"nonce\":\"" + nonce.path("nonce").asText() + "\",\"signature\":\""
                + w.sign(nonce.path("message").asText()) + "\"}";
        put(http, "/api/chain/wallets", token, body, "POST");
        return w;
    }

    private String put(HttpClient http, String path, String token, String json, String method) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(s.endpoint().httpBase() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)).build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) throw new IllegalStateException(method + " " + path + " → " + r.statusCode() + " " + r.body());
        return r.body();
    }
}
