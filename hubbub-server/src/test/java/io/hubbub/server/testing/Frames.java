package io.hubbub.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;

import java.util.ArrayList;
import java.util.List;

/** Small helpers for building payloads and reading frame sequences in integration tests. */
public final class Frames {
    private Frames() {}

    /** A payload from alternating keys and values ({@code p("room", "lobby", "limit", 5)}). */
    public static ObjectNode p(Object... kv) {
        ObjectNode o = Json.object();
        for (int i = 0; i < kv.length; i += 2) o.set((String) kv[i], Json.MAPPER.valueToTree(kv[i + 1]));
        return o;
    }

    public static String type(JsonNode frame) {
        return frame.path("type").asText();
    }

    /** A unique room id for one test. */
    public static String room(String prefix) {
        return prefix + "-" + System.nanoTime();
    }

    /**
     * Every frame the client receives up to and including the answer to request {@code id}, in
     * arrival order (frames already held by the client come first).
     */
    public static List<JsonNode> until(NativeClient c, long id) {
        List<JsonNode> out = new ArrayList<>();
        while (true) {
            JsonNode f = c.next();
            out.add(f);
            if (f.path("id").asLong(-1) == id && (type(f).equals("reply") || type(f).equals("error"))) return out;
        }
    }

    /** The offsets of the {@code message:new} frames of a room in a frame list. */
    public static List<Long> offsets(List<JsonNode> frames, String room) {
        List<Long> out = new ArrayList<>();
        for (JsonNode f : frames) {
            if (type(f).equals("message:new") && f.path("payload").path("room").asText().equals(room)) {
                out.add(f.path("payload").path("offset").asLong());
            }
        }
        return out;
    }
}
