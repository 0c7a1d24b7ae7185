package io.hubbub.chain.listen;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One WebSocket connection of a {@link ChainListener} to the node: sends the subscriptions, maps
 * answers to subscription ids, and turns notifications into work for the listener (signatures to
 * fetch, backfill requests, slots). Runs on the JDK WebSocket's threads; touches only the listener's
 * thread-safe fields.
 */
final class SocketSession extends RpcSocket {
    private static final Logger log = LoggerFactory.getLogger(SocketSession.class);
    private final ChainListener l;
    private final Map<Long, String> requests = new ConcurrentHashMap<>(); // request id -> kind:address
    private final Map<Long, String> subs = new ConcurrentHashMap<>();     // subscription id -> kind:address
    volatile long lastPing = System.nanoTime();
    private int expected;

    SocketSession(ChainListener listener) {
        super("chain", 4 * 1024 * 1024);
        this.l = listener;
    }

    void subscribe(WebSocket w) {
        long id = 0;
        List<String> frames = new ArrayList<>();
        for (String p : l.s.programs()) {
            requests.put(++id, "logs:" + p);
            frames.add(request(id, "logsSubscribe", "[{\"mentions\":[\"" + p + "\"]},{\"commitment\":\"" + l.s.commitment() + "\"}]"));
        }
        for (String a : l.s.accounts()) {
            requests.put(++id, "account:" + a);
            frames.add(request(id, "accountSubscribe", "[\"" + a + "\",{\"encoding\":\"base64\",\"commitment\":\"" + l.s.commitment() + "\"}]"));
        }
        requests.put(++id, "slot:");
        frames.add(request(id, "slotSubscribe", "[]"));
        expected = frames.size();
        for (String f : frames) w.sendText(f, true).join();
    }

    private static String request(long id, String method, String params) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}";
    }

    @Override
    protected void message(JsonNode f) {
        if (f.has("id") && f.has("result")) {
            String what = requests.remove(f.path("id").asLong());
            if (what != null) subs.put(f.path("result").asLong(), what);
            if (subs.size() == expected && !l.connected) {
                l.connected = true;
                l.wantBackfill(); // after every (re)subscription: fill the gap since the cursor
            }
            return;
        }
        if (f.has("error")) {
            log.warn("chain WebSocket error answer: {}", f.path("error"));
            end();
            l.ws.abort();
            return;
        }
        String method = f.path("method").asText("");
        JsonNode params = f.path("params");
        String what = subs.get(params.path("subscription").asLong());
        if (what == null) return; // not ours (an old subscription)
        JsonNode value = params.path("result").path("value");
        long slot = params.path("result").path("context").path("slot").asLong(-1);
        if (slot > l.lastSlot) l.lastSlot = slot;
        l.notifications.increment();
        switch (method) {
            case "logsNotification" -> {
                String sig = value.path("signature").asText("");
                if (!sig.isEmpty()) l.enqueue(sig);
            }
            case "accountNotification" -> {
                l.backfillWanted.put(what.substring(what.indexOf(':') + 1), true); // its transactions come from backfill
            }
            case "slotNotification" -> {
                long sl = params.path("result").path("slot").asLong(-1);
                if (sl > l.lastSlot) l.lastSlot = sl;
                if (sl > l.nodeSlot) l.nodeSlot = sl;
            }
            default -> { }
        }
    }

    @Override
    protected void heard() {
        l.lastMessageAt = System.nanoTime();
    }

    @Override
    protected void ended() {
        l.connected = false;
        synchronized (this) {
            notifyAll();
        }
    }
}
