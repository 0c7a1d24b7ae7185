package io.hubbub.spaces;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.auth.Accounts;
import io.hubbub.core.auth.Principal;
import io.hubbub.core.feature.adapter.AdapterCodec;
import io.hubbub.core.feature.adapter.AdapterConnection;
import io.hubbub.core.feature.adapter.ProtocolAdapter;
import io.hubbub.core.protocol.Envelope;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.protocol.Outbound;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The seed's WebSocket frames {@code {type, payload}} on their own path, mapped onto the
 * {@code space:*} events. In: {@code join {spaceId, token}}, {@code move {x, y}},
 * {@code chat-message {message, spaceId?, token?}}, {@code leave}, {@code signal {to, data}}. Out:
 * {@code space-joined}, {@code user-joined}, {@code movement}, {@code movement-rejected},
 * {@code new-message}, {@code user-left}, {@code proximity-enter|update|leave}, {@code signal},
 * {@code space-closed}, {@code error {code, message}}.
 *
 * <p>The token of the first {@code join} authenticates the connection (an {@code auth} envelope); a
 * handshake token works too. Ids inside later frames are never trusted: a {@code spaceId} or
 * {@code token} in {@code chat-message} must name the joined space and the connection's own user, or
 * the frame is refused. A batched {@code space:moves} push becomes one {@code movement} frame per move
 * of another member, since the seed's clients know no batch frame (and the mover gets nothing).
 */
final class SeedAdapter implements ProtocolAdapter {
    private final Accounts accounts;

    SeedAdapter(Accounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public String name() {
        return "spaces";
    }

    @Override
    public AdapterCodec open(AdapterConnection connection) {
        return new Codec(connection);
    }

    private final class Codec implements AdapterCodec {
        private final AdapterConnection conn;
        private final Map<Long, String> pending = new HashMap<>(); // request id → seed frame type, answered once
        private long nextId;
        private String spaceId; // the joined space, null before
        private int x, y;       // the last accepted position (for movement-rejected)
        private boolean authFailed;

        Codec(AdapterConnection conn) {
            this.conn = conn;
        }

        @Override
        public List<Envelope> decode(String text) {
            JsonNode f = Json.parseObject(text);
            JsonNode p = f.path("payload");
            String type = f.path("type").asText("");
            if (pending.size() >= 64) throw HubbubException.badRequest("too many unanswered frames");
            List<Envelope> out = new ArrayList<>(2);
            switch (type) {
                case "join" -> {
                    if (conn.principal() == null) {
                        out.add(envelope("auth", "auth", Json.object().put("token", p.path("token").asText(""))));
                    }
                    ObjectNode j = Json.object();
                    j.set("spaceId", p.get("spaceId"));
                    out.add(envelope("join", "space:join", j));
                }
                case "move" -> {
                    ObjectNode m = Json.object();
                    m.set("x", p.get("x"));
                    m.set("y", p.get("y"));
                    out.add(envelope("move", "space:move", m));
                }
                case "chat-message" -> {
                    if (spaceId != null && p.hasNonNull("spaceId") && !spaceId.equals(p.path("spaceId").asText()))
                        throw HubbubException.forbidden("spaceId is not the joined space");
                    if (p.hasNonNull("token")) {
                        Principal me = conn.principal();
                        Principal claimed;
                        try {
                            claimed = accounts.verify(p.path("token").asText());
                        } catch (HubbubException e) {
                            throw HubbubException.forbidden("token is not valid");
                        }
                        if (me == null || !claimed.userId().equals(me.userId())) throw HubbubException.forbidden("token is not the connection's user");
                    }
                    ObjectNode c = Json.object();
                    c.set("message", p.get("message"));
                    out.add(envelope("chat", "space:chat", c));
                }
                case "leave" -> out.add(envelope("leave", "space:leave", Json.object()));
                case "signal" -> {
                    ObjectNode s = Json.object();
                    s.set("to", p.get("to"));
                    s.set("data", p.get("data"));
                    out.add(envelope("signal", "space:signal", s));
                }
                default -> throw HubbubException.badRequest("unknown frame type '" + type + "'");
            }
            return out;
        }

        private Envelope envelope(String op, String type, ObjectNode payload) {
            long id = ++nextId;
            pending.put(id, op);
            payload.properties().removeIf(e -> e.getValue() == null);
            return new Envelope(type, id, payload);
        }

        @Override
        public List<String> encode(Outbound frame) {
            return switch (frame) {
                case Outbound.Reply r -> reply(pending.remove(r.id()), r.result());
                case Outbound.Failure e -> failure(e.id() == null ? null : pending.remove(e.id()), e);
                case Outbound.Push p -> push(p.type(), p.payload());
            };
        }

        private List<String> reply(String op, JsonNode r) {
            if (op == null) return List.of();
            switch (op) {
                case "auth" -> authFailed = false;
                case "join" -> {
                    spaceId = r.path("spaceId").asText();
                    x = r.at("/spawn/x").asInt();
                    y = r.at("/spawn/y").asInt();
                    ObjectNode p = Json.object();
                    p.set("spawn", r.get("spawn"));
                    p.set("users", r.get("users"));
                    if (r.has("proximity")) p.set("proximity", r.get("proximity"));
                    return frame("space-joined", p);
                }
                case "move" -> {
                    x = r.path("x").asInt();
                    y = r.path("y").asInt();
                    if (!r.path("accepted").asBoolean()) return frame("movement-rejected", Json.object().put("x", x).put("y", y));
                }
                case "leave" -> spaceId = null;
                default -> { }
            }
            return List.of();
        }

        private List<String> failure(String op, Outbound.Failure e) {
            if ("auth".equals(op)) authFailed = true;
            else if ("join".equals(op) && authFailed && e.code() == ErrorCode.UNAUTHORIZED) return List.of(); // told once
            if ("move".equals(op) && spaceId != null && e.code() != ErrorCode.RATE_LIMITED)
                return frame("movement-rejected", Json.object().put("x", x).put("y", y));
            ObjectNode p = Json.object().put("code", e.code().wire()).put("message", e.message());
            if (op != null) p.put("frame", op);
            if (e.details() != null) p.set("details", e.details());
            return frame("error", p);
        }

        private List<String> push(String type, JsonNode p) {
            return switch (type) {
                case "space:user-joined" -> frame("user-joined", Json.object().put("userId", p.path("userId").asText())
                        .put("x", p.path("x").asInt()).put("y", p.path("y").asInt()));
                case "space:user-left" -> frame("user-left", Json.object().put("userId", p.path("userId").asText()));
                case "space:moves" -> {
                    List<String> out = new ArrayList<>(p.path("moves").size());
                    Principal me = conn.principal();
                    for (JsonNode m : p.path("moves")) {
                        if (me != null && me.userId().equals(m.path("userId").asText())) continue; // the mover gets nothing
                        out.addAll(frame("movement", (ObjectNode) m));
                    }
                    yield out;
                }
                case "space:message" -> frame("new-message", Json.object().put("userId", p.path("userId").asText())
                        .put("name", p.path("name").asText()).put("message", p.path("message").asText()).put("ts", p.path("ts").asLong()));
                case "proximity:enter", "proximity:update", "proximity:leave" -> {
                    ObjectNode o = ((ObjectNode) p).deepCopy();
                    o.remove("spaceId");
                    yield frame(type.replace(':', '-'), o);
                }
                case "space:signal" -> frame("signal", Json.object().put("from", p.path("from").asText()).set("data", p.get("data")));
                case "space:closed" -> {
                    spaceId = null;
                    yield frame("space-closed", Json.object());
                }
                default -> List.of(); // the seed's format has no word for other events (presence, room events)
            };
        }

        private static List<String> frame(String type, JsonNode payload) {
            ObjectNode f = Json.object().put("type", type);
            f.set("payload", payload);
            return List.of(f.toString());
        }
    }
}
