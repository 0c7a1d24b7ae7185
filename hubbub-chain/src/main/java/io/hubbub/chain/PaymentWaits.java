package io.hubbub.chain;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.chain.listen.RpcSocket;
import io.hubbub.chain.rpc.SolanaRpc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Submitted payments this node waits for: the node knows the transaction but not yet at the room's
 * commitment. Each is watched with {@code signatureSubscribe} on a WebSocket of this node's own (every
 * node waits for the submits it received; the socket is open only while something is awaited) and
 * settled by {@link Settler} — which fetches the transaction with {@code getTransaction}: the
 * notification only says when to look, never what counts.
 *
 * <p>Contracts: at most {@code maxPaymentWaits} entries (a submit beyond it is refused by the caller);
 * every entry ends within {@code paymentWait} (+ one check) as counted, failed or expired; after a
 * reconnect every open entry is subscribed again and checked once with {@code getSignatureStatuses}
 * (so a confirmation during the gap, or one before the subscription, is not missed); while the socket
 * is down all entries are polled every {@code pollInterval}; a notification that does not settle its
 * entry (the transaction is not readable at the commitment) subscribes it again. An entry is settled by
 * one thread at a time. Waits are not durable: a node that stops forgets them (the client resubmits).
 */
public final class PaymentWaits {
    private static final Logger log = LoggerFactory.getLogger(PaymentWaits.class);
    /** getSignatureStatuses takes at most 256 signatures per call. */
    private static final int STATUS_BATCH = 256;

    /** One awaited submit. */
    public record Waiting(String user, String room, String signature, String commitment, long deadline) {}

    /** Settles an entry (blocking); returns true when it is resolved (counted, failed or expired) and must be forgotten. */
    public interface Settler {
        boolean settle(Waiting w, boolean last);
    }

    private static final class Entry {
        final Waiting w;
        final AtomicBoolean busy = new AtomicBoolean();

        Entry(Waiting w) {
            this.w = w;
        }
    }

    private final ChainSettings s;
    private final SolanaRpc rpc;
    private final Executor blocking;
    private final Clock clock;
    private final Map<String, Entry> waiting = new ConcurrentHashMap<>();
    private final java.util.Set<String> toSubscribe = ConcurrentHashMap.newKeySet(); // a subset of waiting's keys
    private final HttpClient http = HttpClient.newHttpClient();
    private final Object signal = new Object();
    private volatile Settler settler;
    private volatile boolean running = true;
    private volatile boolean connected;
    private volatile long lastPoll;
    private Thread socketThread;

    public PaymentWaits(ChainSettings s, SolanaRpc rpc, Executor blocking, Clock clock) {
        this.s = s;
        this.rpc = rpc;
        this.blocking = blocking;
        this.clock = clock;
    }

    public void settler(Settler settler) {
        this.settler = settler;
    }

    /** Starts the socket thread (idle while nothing is awaited). The caller's timer calls {@link #tick}. */
    public synchronized void start() {
        if (!s.wsUrls().isEmpty() && socketThread == null) socketThread = Thread.ofVirtual().name("chain-payment-waits").start(this::socketLoop);
    }

    public synchronized void stop() {
        running = false;
        if (socketThread != null) socketThread.interrupt();
    }

    public int size() {
        return waiting.size();
    }

    /**
     * Waits for {@code signature} for {@code user} in {@code room}; returns the entry (the existing one
     * when the same user already waits for it), or null when the set is full or another user waits for it.
     */
    public Waiting await(String user, String room, String signature, String commitment) {
        Entry e = waiting.get(signature);
        if (e != null) return e.w.user().equals(user) && e.w.room().equals(room) ? e.w : null;
        synchronized (waiting) {
            if (waiting.size() >= s.maxPaymentWaits() || waiting.containsKey(signature)) return null;
            e = new Entry(new Waiting(user, room, signature, commitment, clock.millis() + s.paymentWait().toMillis()));
            waiting.put(signature, e);
        }
        watch(signature);
        return e.w;
    }

    private void watch(String signature) {
        if (s.wsUrls().isEmpty()) return; // polled only
        toSubscribe.add(signature);
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /** The payment was settled another way (a resubmit counted it). */
    public void forget(String signature) {
        waiting.remove(signature);
    }

    /** The timer: settles expired entries for the last time, and polls all while the socket is down. */
    public void tick() {
        if (!running || waiting.isEmpty()) return;
        long now = clock.millis();
        for (Entry e : waiting.values()) if (now >= e.w.deadline()) settleAsync(e, true);
        if (!connected && now - lastPoll >= s.pollInterval().toMillis()) {
            lastPoll = now;
            blocking.execute(this::checkAll);
        }
    }

    /** One getSignatureStatuses per 256 entries; those at their commitment (or failed) are settled. */
    private void checkAll() {
        List<Entry> all = new ArrayList<>(waiting.values());
        for (int i = 0; i < all.size() && running; i += STATUS_BATCH) {
            List<Entry> chunk = all.subList(i, Math.min(all.size(), i + STATUS_BATCH));
            try {
                JsonNode v = rpc.getSignatureStatuses(chunk.stream().map(e -> e.w.signature()).toList());
                for (int j = 0; j < chunk.size(); j++) {
                    JsonNode st = v.path(j);
                    if (st.isNull() || st.isMissingNode()) continue;
                    String level = st.path("confirmationStatus").asText("");
                    boolean reached = level.equals("finalized") || (level.equals("confirmed") && chunk.get(j).w.commitment().equals("confirmed"));
                    if (reached || st.hasNonNull("err")) settleAsync(chunk.get(j), false);
                }
            } catch (SolanaRpc.RpcException e) {
                log.debug("payment waits: getSignatureStatuses failed: {}", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void settleAsync(Entry e, boolean last) {
        if (!e.busy.compareAndSet(false, true)) return;
        blocking.execute(() -> {
            try {
                Settler st = settler;
                boolean done;
                try {
                    done = st == null || st.settle(e.w, last);
                } catch (RuntimeException ex) {
                    log.warn("payment wait {}: {}", e.w.signature(), ex.toString());
                    done = last;
                }
                if (done) waiting.remove(e.w.signature(), e);
                else if (!last) watch(e.w.signature()); // a notification ends its subscription: watch again
            } finally {
                e.busy.set(false);
            }
        });
    }

    // ---------------------------------------------------------------- socket

    private void socketLoop() {
        int attempt = 0;
        while (running) {
            try {
                synchronized (signal) {
                    while (running && waiting.isEmpty()) signal.wait(1000);
                }
            } catch (InterruptedException e) {
                break;
            }
            if (!running) break;
            String url = s.wsUrls().get(attempt % s.wsUrls().size());
            Session session = new Session();
            WebSocket ws = null;
            try {
                ws = http.newWebSocketBuilder().connectTimeout(s.rpcTimeout()).buildAsync(URI.create(url), session)
                        .get(s.rpcTimeout().toMillis(), TimeUnit.MILLISECONDS);
                session.lastHeard = System.nanoTime();
                toSubscribe.clear();
                for (String sig : waiting.keySet()) session.subscribe(ws, sig);
                connected = true;
                attempt = 0;
                blocking.execute(this::checkAll); // confirmations while we were not subscribed
                long lastPing = System.nanoTime();
                while (running && !session.closed && !waiting.isEmpty()) {
                    for (String sig : List.copyOf(toSubscribe)) {
                        toSubscribe.remove(sig);
                        session.subscribe(ws, sig);
                    }
                    session.unsubscribeForgotten(ws, waiting);
                    if (System.nanoTime() - session.lastHeard > s.silenceTimeout().toNanos()) break;
                    if (System.nanoTime() - lastPing > s.pingInterval().toNanos()) {
                        lastPing = System.nanoTime();
                        ws.sendPing(ByteBuffer.allocate(0)).join();
                    }
                    synchronized (signal) {
                        if (toSubscribe.isEmpty()) signal.wait(200);
                    }
                }
                if (waiting.isEmpty() || !running) { // idle: close until the next wait
                    session.unsubscribeForgotten(ws, waiting);
                    connected = false;
                    ws.sendClose(WebSocket.NORMAL_CLOSURE, "idle").orTimeout(1, TimeUnit.SECONDS).exceptionally(t -> null).join();
                    ws.abort();
                    continue;
                }
            } catch (InterruptedException e) {
                break;
            } catch (Exception e) {
                log.debug("payment waits WebSocket {}: {}", url, e.toString());
            }
            connected = false;
            if (ws != null) ws.abort();
            if (!running) break;
            attempt++;
            long max = s.reconnectMax().toMillis();
            long base = Math.min(max, s.reconnectMin().toMillis() << Math.min(attempt - 1, 16));
            try {
                Thread.sleep(base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1)); // "equal jitter"
            } catch (InterruptedException e) {
                break;
            }
        }
        connected = false;
    }

    /** One connection: request ids and subscription ids to signatures; notifications to settling. */
    private final class Session extends RpcSocket {
        private final Map<Long, String> requests = new ConcurrentHashMap<>();
        private final Map<Long, String> subs = new ConcurrentHashMap<>();
        private long ids;
        volatile long lastHeard;

        Session() {
            super("payment waits", 1 << 20); // signature notifications are small
        }

        /** Called on the socket thread only (JDK WebSocket sends must not overlap). */
        void subscribe(WebSocket ws, String sig) {
            Entry e = waiting.get(sig);
            if (e == null) return;
            long id = ++ids;
            requests.put(id, sig);
            ws.sendText("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"signatureSubscribe\",\"params\":[\"" + sig
                    + "\",{\"commitment\":\"" + e.w.commitment() + "\",\"enableReceivedNotification\":false}]}", true).join();
        }

        /** Cancels subscriptions of entries settled another way (expired, resubmitted). */
        void unsubscribeForgotten(WebSocket ws, Map<String, Entry> open) {
            for (Map.Entry<Long, String> sub : subs.entrySet()) {
                if (open.containsKey(sub.getValue()) || subs.remove(sub.getKey()) == null) continue;
                ws.sendText("{\"jsonrpc\":\"2.0\",\"id\":" + (++ids) + ",\"method\":\"signatureUnsubscribe\",\"params\":[" + sub.getKey() + "]}", true)
                        .join();
            }
        }

        @Override
        protected void message(JsonNode f) {
            if (f.has("id") && f.has("result")) {
                String sig = requests.remove(f.path("id").asLong());
                if (sig != null && f.path("result").canConvertToLong()) subs.put(f.path("result").asLong(), sig);
                return;
            }
            if (f.has("id") && f.has("error")) {
                String sig = requests.remove(f.path("id").asLong());
                log.debug("signatureSubscribe {} refused: {}", sig, f.path("error"));
                return; // the poll after the deadline still settles it
            }
            if (!"signatureNotification".equals(f.path("method").asText())) return;
            JsonNode value = f.path("params").path("result").path("value");
            if (!value.isObject()) return; // "receivedSignature": not at a commitment yet
            String sig = subs.remove(f.path("params").path("subscription").asLong()); // single-notification subscription
            Entry e = sig == null ? null : waiting.get(sig);
            if (e != null) settleAsync(e, false);
        }

        @Override
        protected void heard() {
            lastHeard = System.nanoTime();
        }

        @Override
        protected void ended() {
            connected = false;
            synchronized (signal) {
                signal.notifyAll();
            }
        }
    }
}
