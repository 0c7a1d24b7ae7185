package io.hubbub.chain.listen;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.chain.ChainSettings;
import io.hubbub.chain.ChainStore;
import io.hubbub.chain.rpc.ChainTx;
import io.hubbub.chain.rpc.SolanaRpc;
import io.hubbub.core.protocol.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The cluster's one active Solana listener, started by the leader with its fencing token.
 *
 * <p>Two threads of its own: the <b>socket</b> thread keeps one WebSocket subscribed
 * ({@code logsSubscribe} with {@code mentions} of one program each, {@code accountSubscribe},
 * {@code slotSubscribe}), pings it, and reconnects with exponential backoff and jitter, rotating URLs,
 * resubscribing each time; the <b>worker</b> thread handles, one at a time, the signatures notified
 * (a bounded queue; overflow is left to backfill) and backfill passes. A pass runs after every
 * (re)subscription, on account notifications and every {@code pollInterval} (the poll while the socket
 * is down): {@code getSignaturesForAddress(address, {until: cursor, before})} page by page, processed
 * oldest first, moving the durable cursor as it goes. Only backfill moves the cursor, so a live
 * notification never lets it skip a gap.
 *
 * <p>Every candidate is fetched with {@code getTransaction} at the commitment and that result, not the
 * notification, counts; it is recorded once (primary key, under the fence) with its messages, then
 * published. A notified signature not found at the commitment within {@code dropAfter} is recorded as
 * dropped (a fork) and never counted.
 */
public final class ChainListener {
    private static final Logger log = LoggerFactory.getLogger(ChainListener.class);

    final ChainSettings s;
    private final SolanaRpc rpc;
    private final ChainStore store;
    private final TxMessages messages;
    private final Delivery.Publisher publish;
    private final Clock clock;
    private final long token;
    final HttpClient http = SolanaRpc.webSocketClient();
    private final LinkedBlockingQueue<String> queue;
    /** Most notified signatures handled together (and parallel getTransaction calls). */
    static final int LIVE_BATCH = 64;
    private final java.util.concurrent.ExecutorService fetchers = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Long> pending = new ConcurrentHashMap<>(); // notified, not yet at the commitment -> first seen ms
    /** Signatures this leader recorded lately (worker thread only, bounded): re-notifications skip the database. */
    private final Map<String, Boolean> recent = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
            return size() > RECENT;
        }
    };
    static final int RECENT = 65_536;
    /** Recorded rows whose messages were published, marked emitted with the next recording transaction or when idle (worker thread only). */
    private final List<String> unmarked = new ArrayList<>();
    final Map<String, Boolean> backfillWanted = new ConcurrentHashMap<>();
    final Counter notifications, backfilled, duplicates, reconnects, dropped;
    private volatile boolean running = true;
    private volatile boolean batches = true; // false once the node refused a JSON-RPC batch
    volatile boolean connected;
    private volatile boolean backfilling;
    volatile long lastSlot = -1, lastProcessedSlot = -1, nodeSlot = -1;
    volatile long lastMessageAt;
    volatile WebSocket ws;
    private Thread socketThread, workerThread;

    public ChainListener(ChainSettings s, SolanaRpc rpc, ChainStore store, TxMessages messages, Delivery.Publisher publish,
                         Clock clock, long token, MeterRegistry metrics, java.util.function.Function<String, String> name) {
        this.s = s;
        this.rpc = rpc;
        this.store = store;
        this.messages = messages;
        this.publish = publish;
        this.clock = clock;
        this.token = token;
        this.queue = new LinkedBlockingQueue<>(s.maxPending());
        this.notifications = Counter.builder(name.apply("notifications")).description("Solana notifications received").register(metrics);
        this.backfilled = Counter.builder(name.apply("backfilled")).description("transactions found by backfill").register(metrics);
        this.duplicates = Counter.builder(name.apply("duplicates")).description("candidate signatures already processed").register(metrics);
        this.reconnects = Counter.builder(name.apply("reconnects")).description("listener WebSocket reconnects").register(metrics);
        this.dropped = Counter.builder(name.apply("dropped")).description("notified transactions that never reached the commitment").register(metrics);
    }

    public long token() {
        return token;
    }

    /**
     * Starts the worker, which first publishes what a previous leader left unpublished and fixes the
     * cursor of every address that has none (so nothing landing after this point can be skipped),
     * and only then opens the socket.
     */
    public synchronized void start() {
        workerThread = Thread.ofVirtual().name("chain-worker").start(this::work);
    }

    private boolean prepare() {
        try {
            emitLeftovers();
            for (String a : addresses()) { // an address seen for the first time starts now: its older history is not ours
                if (store.cursor(a).isPresent()) continue;
                List<SolanaRpc.SignatureInfo> newest = rpc.getSignaturesForAddress(a, null, null, 1, s.commitment());
                store.setCursor(a, newest.isEmpty() ? "" : newest.getFirst().signature(), newest.isEmpty() ? 0 : newest.getFirst().slot(),
                        token, clock.millis());
            }
            return true;
        } catch (ChainStore.FencedException e) {
            throw e;
        } catch (Exception e) {
            log.debug("chain listener start-up step failed (retrying): {}", e.toString());
            return false;
        }
    }

    /** Stops both threads and closes the socket (leadership lost, or the server stops). */
    public synchronized void stop() {
        running = false;
        WebSocket w = ws;
        if (w != null) w.abort();
        if (socketThread != null) socketThread.interrupt();
        if (workerThread != null) workerThread.interrupt();
        fetchers.shutdownNow();
    }

    public boolean running() {
        return running;
    }

    public ListenerStatus status() {
        long lag = nodeSlot < 0 || lastProcessedSlot < 0 ? -1 : Math.max(0, nodeSlot - lastProcessedSlot);
        return new ListenerStatus(true, running, connected, lastSlot, lag, backfilling, token, pending.size());
    }

    /** Asks for a backfill pass of every watched address (the poll timer, reconnects). */
    public void wantBackfill() {
        for (String a : addresses()) backfillWanted.put(a, true); // the worker looks at least every 200 ms
    }

    private List<String> addresses() {
        List<String> all = new ArrayList<>(s.programs());
        all.addAll(s.accounts());
        return all;
    }

    // ---------------------------------------------------------------- worker

    private void work() {
        try {
            while (running && !prepare()) Thread.sleep(Math.min(1000, s.pollInterval().toMillis()));
        } catch (InterruptedException e) {
            return;
        } catch (ChainStore.FencedException e) {
            log.warn("chain listener fenced off: {}", e.getMessage());
            stop();
            return;
        }
        synchronized (this) {
            if (running && !s.wsUrls().isEmpty()) socketThread = Thread.ofVirtual().name("chain-socket").start(() -> SocketLoop.run(this));
        }
        wantBackfill();
        while (running) {
            try {
                String sig = queue.poll(200, TimeUnit.MILLISECONDS);
                if (sig != null) live(gather(sig));
                else flushMarks();
                for (String a : addresses()) if (running && backfillWanted.remove(a) != null) backfill(a);
                if (running && queue.isEmpty()) retryPending();
            } catch (InterruptedException e) {
                return;
            } catch (ChainStore.FencedException e) {
                log.warn("chain listener fenced off: {}", e.getMessage());
                stop();
            } catch (RuntimeException e) {
                log.warn("chain listener step failed (retried by the next pass): {}", e.toString());
                sleepQuietly(500);
            }
        }
    }

    /**
     * The live batch starting with {@code first}: what is queued, and what arrives within
     * {@code liveBatchWait} of it, up to {@link #LIVE_BATCH}. One getTransaction batch and one database
     * transaction per batch instead of per notification is what keeps the worker ahead at high rates.
     */
    private List<String> gather(String first) throws InterruptedException {
        List<String> batch = new ArrayList<>(LIVE_BATCH);
        batch.add(first);
        queue.drainTo(batch, LIVE_BATCH - 1);
        long deadline = System.nanoTime() + s.liveBatchWait().toNanos();
        while (batch.size() < LIVE_BATCH && running) {
            long left = deadline - System.nanoTime();
            if (left <= 0) break;
            String next = queue.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) break;
            batch.add(next);
            queue.drainTo(batch, LIVE_BATCH - batch.size());
        }
        return batch;
    }

    /**
     * Processes notified signatures together: those this leader recorded recently are skipped without a
     * query ({@link #recent}); the others' {@code getTransaction} calls go in one JSON-RPC batch request
     * (at most {@link #LIVE_BATCH}); then <b>one</b> database transaction under the fence marks the
     * previous batch's rows published, finds those recorded before (by any leader), reads the wallet
     * owners and records the new ones (in notification order); their messages are published in that
     * order. Those the node does not have at the commitment yet wait in {@code pending}. Returns the
     * signatures of the batch that are recorded now.
     */
    private java.util.Set<String> live(List<String> batch) throws InterruptedException {
        java.util.Set<String> recorded = new java.util.HashSet<>();
        List<String> sigs = new ArrayList<>();
        for (String sig : new java.util.LinkedHashSet<>(batch)) {
            if (recent.containsKey(sig)) {
                recorded.add(sig);
                pending.remove(sig);
                duplicates.increment();
            } else sigs.add(sig);
        }
        if (sigs.isEmpty()) return recorded;
        List<JsonNode> fetched = fetch(sigs);
        List<ChainTx> txs = new ArrayList<>();
        List<ChainStore.Processed> unreadable = new ArrayList<>();
        List<String> asked = new ArrayList<>();
        for (int i = 0; i < sigs.size(); i++) {
            String sig = sigs.get(i);
            JsonNode raw = fetched.get(i);
            if (raw == null) {
                if (pending.size() < s.maxPending()) pending.putIfAbsent(sig, clock.millis());
                continue;
            }
            asked.add(sig);
            try {
                txs.add(ChainTx.parse(sig, raw));
            } catch (RuntimeException e) {
                log.warn("transaction {} is unreadable ({}); recorded as unreadable", sig, e.getMessage());
                unreadable.add(new ChainStore.Processed(sig, raw.path("slot").asLong(), "unreadable", "[]"));
            }
        }
        java.util.Set<String> involved = new java.util.LinkedHashSet<>();
        for (ChainTx tx : txs) involved.addAll(tx.involved());
        Map<String, List<Delivery>> out = new java.util.HashMap<>();
        ChainStore.Recorded done = store.recordBatch(asked, involved, (owners, known) -> {
            out.clear();
            List<ChainStore.Processed> rows = new ArrayList<>(unreadable);
            for (ChainTx tx : txs) {
                if (known.contains(tx.signature())) continue;
                Map<String, String> mine = new java.util.HashMap<>();
                for (String a : tx.involved()) if (owners.containsKey(a)) mine.put(a, owners.get(a));
                String status = tx.failed() ? "failed" : s.commitment();
                List<Delivery> d = messages.of(tx, status, mine);
                out.put(tx.signature(), d);
                rows.add(new ChainStore.Processed(tx.signature(), tx.slot(), status, Delivery.toJson(d).toString()));
            }
            return rows;
        }, List.copyOf(unmarked), token, clock.millis());
        unmarked.clear();
        for (ChainTx tx : txs) {
            lastProcessedSlot = Math.max(lastProcessedSlot, tx.slot());
            lastSlot = Math.max(lastSlot, tx.slot());
        }
        duplicates.increment(done.known().size());
        for (String sig : asked) {
            pending.remove(sig);
            recent.put(sig, Boolean.TRUE);
            recorded.add(sig);
        }
        // the whole batch is issued, then awaited (Delivery.Publisher: the broker keeps the order)
        List<List<java.util.concurrent.CompletableFuture<?>>> issued = new ArrayList<>(done.fresh().size());
        for (String sig : done.fresh()) {
            List<Delivery> d = out.get(sig);
            issued.add(d == null ? List.of() : publish.publish(sig, d));
        }
        RuntimeException failed = null;
        for (int i = 0; i < issued.size(); i++) {
            try {
                Delivery.await(issued.get(i));
                unmarked.add(done.fresh().get(i));
            } catch (RuntimeException e) { // stays unemitted: published again by the next backfill pass
                if (failed == null) failed = e;
            }
        }
        // marked with the next batch's transaction (or when idle), not a commit of their own (a second fsync per
        // batch on SQLite). A leader killed before the mark has its successor publish them again: the broker drops
        // the topic repeats by idempotency key; user pushes may repeat, each with its transaction_id
        if (failed != null) throw failed;
        return recorded;
    }

    /** Marks the rows whose messages were published since the last recording transaction. */
    private void flushMarks() {
        if (unmarked.isEmpty()) return;
        store.markEmitted(List.copyOf(unmarked));
        unmarked.clear();
    }

    /**
     * {@code getTransaction} of each signature (null where the node has none at the commitment or the
     * call failed): one JSON-RPC batch request when there are several (one HTTP round trip instead of
     * one per signature), else, or when the node refuses batches, parallel single calls.
     */
    private List<JsonNode> fetch(List<String> sigs) throws InterruptedException {
        if (sigs.size() > 1 && batches) {
            try {
                return rpc.getTransactions(sigs, s.commitment());
            } catch (SolanaRpc.RpcException e) {
                log.debug("batched getTransaction failed ({}); single calls", e.getMessage());
                if (e.getMessage() != null && e.getMessage().contains("batch")) batches = false; // the node does not take batches
            }
        }
        List<java.util.concurrent.Future<JsonNode>> calls = new ArrayList<>();
        for (String sig : sigs) calls.add(fetchers.submit(() -> rpc.getTransaction(sig, s.commitment()).orElse(null)));
        List<JsonNode> out = new ArrayList<>();
        for (java.util.concurrent.Future<JsonNode> c : calls) {
            try {
                out.add(c.get());
            } catch (java.util.concurrent.ExecutionException e) {
                out.add(null);
            }
        }
        return out;
    }

    /**
     * Processes one signature. Returns false when the node does not have it at the commitment yet
     * (a notified one is kept pending; a backfilled one stops the pass before it).
     */
    private boolean candidate(String sig, boolean fromBackfill) throws InterruptedException {
        if (store.isProcessed(sig)) {
            duplicates.increment();
            pending.remove(sig);
            return true;
        }
        JsonNode raw;
        try {
            raw = rpc.getTransaction(sig, s.commitment()).orElse(null);
        } catch (SolanaRpc.RpcException e) {
            log.debug("getTransaction {}: {}", sig, e.getMessage());
            if (!fromBackfill && pending.size() < s.maxPending()) pending.putIfAbsent(sig, clock.millis());
            return false;
        }
        if (raw == null) {
            if (!fromBackfill && pending.size() < s.maxPending()) pending.putIfAbsent(sig, clock.millis());
            return false;
        }
        ChainTx tx;
        try {
            tx = ChainTx.parse(sig, raw);
        } catch (RuntimeException e) { // a shape we cannot read must not stall the cursor: recorded, never counted
            log.warn("transaction {} is unreadable ({}); recorded as unreadable", sig, e.getMessage());
            store.recordProcessed(sig, raw.path("slot").asLong(), "unreadable", "[]", token, clock.millis());
            pending.remove(sig);
            return true;
        }
        String status = tx.failed() ? "failed" : s.commitment();
        List<Delivery> out = messages.of(tx, status, store.owners(tx.involved()));
        if (!store.recordProcessed(sig, tx.slot(), status, Delivery.toJson(out).toString(), token, clock.millis())) {
            duplicates.increment();
        } else {
            if (fromBackfill) backfilled.increment();
            emit(sig, out);
        }
        pending.remove(sig);
        lastProcessedSlot = Math.max(lastProcessedSlot, tx.slot());
        lastSlot = Math.max(lastSlot, tx.slot());
        return true;
    }

    private void emit(String sig, List<Delivery> out) {
        Delivery.await(publish.publish(sig, out));
        store.markEmitted(sig);
    }

    /** Publishes what a previous leader recorded but did not publish (it died in between). */
    private void emitLeftovers() {
        flushMarks(); // rows this leader published are not leftovers
        for (ChainStore.Unemitted u : store.unemitted(1000)) emit(u.signature(), Delivery.fromJson(readArray(u.events())));
    }

    private static JsonNode readArray(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            return Json.MAPPER.createArrayNode();
        }
    }

    private void backfill(String address) throws InterruptedException {
        backfilling = true;
        try {
            emitLeftovers(); // messages whose publishing failed earlier (indexed: cheap when there are none)
            try {
                nodeSlot = rpc.getSlot(s.commitment());
            } catch (SolanaRpc.RpcException e) {
                log.debug("getSlot: {}", e.getMessage());
            }
            String cursor = store.cursor(address).orElse(null);
            if (cursor == null) return; // set by prepare()
            List<SolanaRpc.SignatureInfo> found = new ArrayList<>();
            String before = null;
            while (running && found.size() < 100_000) {
                List<SolanaRpc.SignatureInfo> page = rpc.getSignaturesForAddress(address, before, cursor.isEmpty() ? null : cursor,
                        s.backfillPageSize(), s.commitment());
                found.addAll(page);
                if (page.size() < s.backfillPageSize()) break;
                before = page.getLast().signature();
            }
            Collections.reverse(found); // oldest first
            if (!found.isEmpty()) log.debug("backfill of {}: {} signatures since the cursor", address, found.size());
            // in chunks through the batch path (signatures processed live are skipped in bulk); the cursor
            // moves only over processed signatures, so a failure leaves it before the first one that is not.
            // It is written after a chunk that had work and at the end of the pass, not after every chunk that
            // was all processed already (at high rates that is most chunks: each one a commit of its own)
            SolanaRpc.SignatureInfo unsaved = null;
            for (int i = 0; i < found.size() && running; i += LIVE_BATCH) {
                List<SolanaRpc.SignatureInfo> chunk = found.subList(i, Math.min(found.size(), i + LIVE_BATCH));
                List<String> sigs = chunk.stream().map(SolanaRpc.SignatureInfo::signature).toList();
                java.util.Set<String> done = new java.util.HashSet<>();
                List<String> unsure = new ArrayList<>();
                for (String sig : sigs) {
                    if (recent.containsKey(sig)) done.add(sig); // recorded by this leader (processed live): no query
                    else unsure.add(sig);
                }
                done.addAll(store.processedAmong(unsure));
                List<String> todo = sigs.stream().filter(x -> !done.contains(x)).toList();
                if (!todo.isEmpty()) {
                    int had = done.size();
                    done.addAll(live(todo));
                    backfilled.increment(done.size() - had);
                }
                SolanaRpc.SignatureInfo reached = null;
                for (SolanaRpc.SignatureInfo info : chunk) {
                    if (!done.contains(info.signature())) break; // not fetchable yet: the next pass resumes here
                    reached = info;
                }
                if (reached != null) unsaved = reached;
                boolean stop = reached != chunk.getLast();
                if (unsaved != null && running && (!todo.isEmpty() || stop || i + LIVE_BATCH >= found.size())) {
                    store.setCursor(address, unsaved.signature(), unsaved.slot(), token, clock.millis());
                    unsaved = null;
                }
                if (stop) return;
            }
        } catch (SolanaRpc.RpcException e) {
            log.debug("backfill of {} failed (next pass retries): {}", address, e.getMessage());
        } finally {
            backfilling = false;
        }
    }

    private void retryPending() throws InterruptedException {
        long now = clock.millis();
        for (Map.Entry<String, Long> e : new LinkedHashMap<>(pending).entrySet()) {
            if (!running) return;
            if (candidate(e.getKey(), false)) continue;
            if (now - e.getValue() < s.dropAfter().toMillis()) continue;
            try {
                if (rpc.getSignatureStatus(e.getKey()).isPresent()) continue; // the node knows it: not a fork, keep waiting
            } catch (SolanaRpc.RpcException unreachable) {
                continue; // cannot tell: never drop on an RPC failure
            }
            pending.remove(e.getKey());
            if (store.recordProcessed(e.getKey(), lastSlot, "dropped", Delivery.toJson(messages.dropped(e.getKey(), lastSlot)).toString(),
                    token, now)) {
                dropped.increment();
                emit(e.getKey(), messages.dropped(e.getKey(), lastSlot));
            }
        }
    }

    void enqueue(String sig) {
        if (!queue.offer(sig)) log.debug("candidate queue full; {} is left to backfill", sig);
    }

    static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
