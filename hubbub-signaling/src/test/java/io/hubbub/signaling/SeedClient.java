package io.hubbub.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.testing.WsTestClient;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/** A seed 003 client on /signaling, frame by frame: frames not asked for yet stay held, in order. */
final class SeedClient implements AutoCloseable {
    private final WsTestClient ws;
    private final List<JsonNode> held = new ArrayList<>();

    private SeedClient(WsTestClient ws) {
        this.ws = ws;
    }

    static SeedClient connect(String url) {
        return new SeedClient(WsTestClient.connect(url).autoPong());
    }

    void send(ObjectNode frame) {
        ws.send(frame.toString());
    }

    void sendRaw(String text) {
        ws.send(text);
    }

    /** The next frame of this type (within 5 s). */
    JsonNode frame(String type) throws InterruptedException {
        return take(f -> type.equals(f.path("type").asText()), 5000);
    }

    JsonNode take(Predicate<JsonNode> p, long millis) throws InterruptedException {
        for (Iterator<JsonNode> it = held.iterator(); it.hasNext(); ) {
            JsonNode f = it.next();
            if (p.test(f)) {
                it.remove();
                return f;
            }
        }
        long until = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < until) {
            Object o;
            try {
                o = ws.next(Math.max(1, until - System.currentTimeMillis()));
            } catch (AssertionError timeout) {
                break;
            }
            if (!(o instanceof String s)) {
                if (o == WsTestClient.CLOSED) throw new AssertionError("connection closed; held: " + held);
                continue;
            }
            JsonNode f = Json.parseObject(s);
            if (p.test(f)) return f;
            held.add(f);
        }
        throw new AssertionError("no matching frame within " + millis + " ms; held: " + held);
    }

    boolean sees(String type, long millis) throws InterruptedException {
        try {
            take(f -> type.equals(f.path("type").asText()), millis);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    static ObjectNode f(String type, String userId, String roomId, Object... data) {
        ObjectNode o = Json.object().put("type", type);
        if (userId != null) o.put("userId", userId);
        if (roomId != null) o.put("roomId", roomId);
        if (data.length > 0) {
            ObjectNode d = o.putObject("data");
            for (int i = 0; i < data.length; i += 2) d.set((String) data[i], Json.MAPPER.valueToTree(data[i + 1]));
        }
        return o;
    }

    @Override
    public void close() {
        ws.close();
    }
}
