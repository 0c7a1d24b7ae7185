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
 * {@code <offset>-<time ms>}. On pub/sub the <b>frame</b> is {@code <offset>:<epoch>:<time ms>:<body>},
 * with offset 0 and an empty epoch for unrecorded publications: the Lua publish script assigns offset,
 * epoch and time, so it prepends them without parsing the body. Epochs are hex, never containing ':'.
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

    /** The frame of an unrecorded publication. */
    static String unrecordedFrame(long time, String body) {
        return "0::" + time + ":" + body;
    }

    Publication fromFrame(String frame) {
        int a = frame.indexOf(':');
        int b = frame.indexOf(':', a + 1);
        int c = b < 0 ? -1 : frame.indexOf(':', b + 1);
        if (a < 0 || b < 0 || c < 0) throw new IllegalArgumentException("bad publication frame");
        String epoch = frame.substring(a + 1, b);
        return fromBody(frame.substring(c + 1), Long.parseLong(frame.substring(0, a)), epoch.isEmpty() ? null : epoch,
                Long.parseLong(frame.substring(b + 1, c)));
    }

    /** From a stream entry of the given epoch: id {@code <offset>-<time>} and its body. */
    Publication fromEntry(String epoch, String id, String body) {
        int dash = id.indexOf('-');
        return fromBody(body, Long.parseLong(id.substring(0, dash)), epoch, Long.parseLong(id.substring(dash + 1)));
    }

    private Publication fromBody(String body, long offset, String epoch, long time) {
        try {
            JsonNode n = json.readTree(body);
            JsonNode x = n.get("x");
            JsonNode d = n.get("d");
            return new Publication(n.path("e").asText(), d == null || d.isNull() ? null : d, offset, epoch, time,
                    x == null || x.isNull() ? null : x.asText(), n.path("p").asBoolean(false));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad publication body", e);
        }
    }
}
