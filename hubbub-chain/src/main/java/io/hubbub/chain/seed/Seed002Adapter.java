package io.hubbub.chain.seed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.feature.adapter.AdapterCodec;
import io.hubbub.core.feature.adapter.AdapterConnection;
import io.hubbub.core.feature.adapter.ProtocolAdapter;
import io.hubbub.core.protocol.Envelope;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.protocol.Outbound;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Seed 002's WebSocket format. Handshake {@code ?token=<JWT>&subscriptions=a,b} (the seed's
 * {@code user_id} is ignored: identity comes from the token only); every connection is also in the
 * {@link #BROADCAST_TOPIC}. Frames in: {@code {"type":"subscribe"|"unsubscribe","data":{"topic"}}}.
 * Frames out: the seed's messages {@code {"type":"TransactionUpdate"|"Notification"|…,"data":{…}}}
 * (topic messages by their event name, user messages {@code chain:message} by their inner type),
 * {@code {"type":"subscribed"|"unsubscribed","data":{"topic"}}} and
 * {@code {"type":"error","data":{"code","message"}}}. Other core pushes have no word in the format
 * and are dropped.
 */
public final class Seed002Adapter implements ProtocolAdapter {
    /** The topic {@code POST /api/ws/broadcast} uses to reach every seed connection. */
    public static final String BROADCAST_TOPIC = "broadcast";
    static final int MAX_URL_TOPICS = 50;
    static final int MAX_UNANSWERED = 64;

    @Override public String name() { return "seed002"; }

    @Override
    public AdapterCodec open(AdapterConnection connection) {
        return new Codec(connection);
    }

    private record Asked(String op, String topic) {}

    private static final class Codec implements AdapterCodec {
        private final AdapterConnection connection;
        private final Map<Long, Asked> pending = new HashMap<>(); // request id -> what it answers; bounded
        private long nextId;

        Codec(AdapterConnection connection) {
            this.connection = connection;
        }

        private Envelope ask(String op, String topic) {
            if (pending.size() >= MAX_UNANSWERED) throw HubbubException.badRequest("too many unanswered frames");
            long id = ++nextId;
            pending.put(id, new Asked(op, topic));
            return new Envelope(op.equals("subscribe") ? "topic:subscribe" : "topic:unsubscribe", id, Json.object().put("topic", topic));
        }

        @Override
        public List<Envelope> opened() {
            List<Envelope> out = new ArrayList<>();
            out.add(ask("subscribe", BROADCAST_TOPIC));
            String subs = connection.query("subscriptions");
            if (subs != null) {
                for (String t : subs.split(",")) {
                    String topic = t.trim();
                    if (!topic.isEmpty() && out.size() <= MAX_URL_TOPICS) out.add(ask("subscribe", topic));
                }
            }
            return out;
        }

        @Override
        public List<Envelope> decode(String text) {
            JsonNode f = Json.parseObject(text);
            String type = f.path("type").asText("");
            if (!type.equals("subscribe") && !type.equals("unsubscribe"))
                throw HubbubException.badRequest("unknown message type '" + type + "' (subscribe or unsubscribe)");
            JsonNode topic = f.path("data").path("topic");
            if (!topic.isTextual()) throw HubbubException.badRequest("data.topic must be a string");
            return List.of(ask(type, topic.asText()));
        }

        @Override
        public List<String> encode(Outbound frame) {
            ObjectNode out = Json.object();
            switch (frame) {
                case Outbound.Reply r -> {
                    Asked a = pending.remove(r.id());
                    if (a == null) return List.of();
                    out.put("type", a.op().equals("subscribe") ? "subscribed" : "unsubscribed").putObject("data").put("topic", a.topic());
                }
                case Outbound.Failure e -> {
                    Asked a = e.id() == null ? null : pending.remove(e.id());
                    ObjectNode d = out.put("type", "error").putObject("data").put("code", e.code().wire()).put("message", e.message());
                    if (a != null) d.put("topic", a.topic());
                }
                case Outbound.Push p when p.type().equals("topic:message") -> {
                    out.put("type", p.payload().path("event").asText("message"));
                    out.set("data", p.payload().path("data"));
                }
                case Outbound.Push p when p.type().equals("chain:message") -> {
                    JsonNode m = p.payload().path("data");
                    out.put("type", m.path("type").asText());
                    out.set("data", m.path("data"));
                }
                case Outbound.Push p -> {
                    return List.of();
                }
            }
            return List.of(out.toString());
        }
    }
}
