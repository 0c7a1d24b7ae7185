package io.hubbub.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.engine.Publication;

/**
 * How a {@link Publication} travels through Redis.
 *
 * <p>The <b>body</b> is compact JSON {@code {"e":event,"d":data,"x":excludeSession,"p":true}} ("x" and
 * "p" only when set). It is stored as field {@code d} of a history stream entry whose id is
 * {@code <offset>-<time ms>}. On pub/sub the <b>frame</b> is {@code <offset>:<time ms>:<body>}, offset 0
 * for unrecorded publications: the Lua publish script assigns offset and time, so it prepends them
 * without parsing the body.
 */
final class PublicationCodec {
    private final ObjectMapper json;

    PublicationCodec(ObjectMapper json) {
        this.json = json;
    }

    String body(Publication p) {
        ObjectNode n = json.createObjectNode();
        n.put("e", p.event());
        n.set("d", p.data());
        if (p.excludeSession() != null) n.put("x", p.excludeSession());
        if (p.ephemeral()) n.put("p", true);
        try {
            return json.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("publication cannot be encoded", e);
        }
    }

    static String frame(long offset, long time, String body) {
        return offset + ":" + time + ":" + body;
    }

    Publication fromFrame(String frame) {
        int a = frame.indexOf(':');
        int b = frame.indexOf(':', a + 1);
        if (a < 0 || b < 0) throw new IllegalArgumentException("bad publication frame");
        return fromBody(frame.substring(b + 1), Long.parseLong(frame.substring(0, a)), Long.parseLong(frame.substring(a + 1, b)));
    }

    /** From a stream entry: id {@code <offset>-<time>} and its body. */
    Publication fromEntry(String id, String body) {
        int dash = id.indexOf('-');
        return fromBody(body, Long.parseLong(id.substring(0, dash)), Long.parseLong(id.substring(dash + 1)));
    }

    private Publication fromBody(String body, long offset, long time) {
        try {
            JsonNode n = json.readTree(body);
            JsonNode x = n.get("x");
            JsonNode d = n.get("d");
            return new Publication(n.path("e").asText(), d == null || d.isNull() ? null : d, offset, time,
                    x == null || x.isNull() ? null : x.asText(), n.path("p").asBoolean(false));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad publication body", e);
        }
    }
}
