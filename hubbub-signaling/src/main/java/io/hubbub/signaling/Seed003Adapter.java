package io.hubbub.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.auth.Principal;
import io.hubbub.core.auth.TokenVerifier;
import io.hubbub.core.feature.adapter.AdapterCodec;
import io.hubbub.core.feature.adapter.AdapterConnection;
import io.hubbub.core.feature.adapter.ProtocolAdapter;
import io.hubbub.core.protocol.Envelope;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.protocol.Outbound;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Seed 003's signaling frames on {@code /signaling}: {@code {type, userId?, roomId?, data?}} in both
 * directions (docs/SIGNALING.md, "Seed 003 adapter"). Identity comes from the token only (handshake or the
 * {@code auth} frame); a {@code userId} or {@code roomId} inside a frame that does not match the token is
 * refused with {@code forbidden}, and the sender of a relayed signal is always the authenticated user.
 */
final class Seed003Adapter implements ProtocolAdapter {
    static final int MAX_PENDING = 64;
    private final TokenVerifier tokens;

    Seed003Adapter(TokenVerifier tokens) {
        this.tokens = tokens;
    }

    @Override public String name() { return "seed003"; }

    @Override
    public AdapterCodec open(AdapterConnection connection) {
        return new Codec(connection);
    }

    /** What a request frame was, to shape its answer. */
    private record Pending(String type, String roomId, String peer) {}

    private final class Codec implements AdapterCodec {
        private final AdapterConnection conn;
        private final Map<Long, Pending> pending = new HashMap<>();
        private final Set<String> joined = new LinkedHashSet<>(); // rooms of this connection: relays for others are not shown
        private long nextId;

        Codec(AdapterConnection conn) {
            this.conn = conn;
        }

        @Override
        public List<Envelope> decode(String text) {
            ObjectNode f = Json.parseObject(text);
            String type = Json.text(f, "type");
            String userId = Json.optText(f, "userId", null);
            String roomId = Json.optText(f, "roomId", null);
            JsonNode data = f.path("data");
            if (type.equals("auth")) return List.of(auth(f, data, userId, roomId));
            Principal p = conn.principal();
            if (p == null) throw new HubbubException(ErrorCode.UNAUTHORIZED, "send an auth frame first");
            if (userId != null && !userId.equals(p.userId())) throw HubbubException.forbidden("userId does not match the token");
            if (roomId != null && !p.mayEnter(roomId)) throw HubbubException.forbidden("roomId does not match the token");
            ObjectNode payload = Json.object();
            String core = switch (type) {
                case "create-room", "join-room" -> {
                    payload.put("room", need(roomId));
                    if (type.equals("create-room")) {
                        payload.put("create", true);
                        copy(data, "roomName", payload, "name");
                        copy(data, "fileId", payload, "fileId");
                        copy(data, "fileName", payload, "fileName");
                    }
                    yield "signal:join";
                }
                case "leave-room" -> {
                    payload.put("room", need(roomId));
                    yield "signal:leave";
                }
                case "sdp-offer", "sdp-answer", "ice-candidate", "renegotiate", "bye" -> {
                    String kind = switch (type) {
                        case "sdp-offer" -> "offer";
                        case "sdp-answer" -> "answer";
                        default -> type;
                    };
                    String field = switch (type) {
                        case "sdp-offer" -> "offer";
                        case "sdp-answer" -> "answer";
                        case "ice-candidate" -> "candidate";
                        default -> "data";
                    };
                    payload.put("room", need(roomId)).put("to", Json.text(data, "peer")).put("kind", kind);
                    JsonNode signal = data.get(field);
                    if (signal != null && !signal.isNull()) payload.set("signal", signal);
                    yield "signal:send";
                }
                case "heartbeat" -> "signal:heartbeat";
                case "presence" -> {
                    String status = Json.text(data, "status");
                    if (!status.equals("active") && !status.equals("idle")) throw HubbubException.badRequest("data.status must be active or idle");
                    payload.put("status", status);
                    yield "presence:set";
                }
                case "cursor-update" -> {
                    payload.put("room", need(roomId)).put("event", "cursor-update");
                    ObjectNode cursor = payload.putObject("data");
                    cursor.put("line", data.path("line").asInt()).put("column", data.path("column").asInt());
                    yield "room:ephemeral";
                }
                default -> throw HubbubException.badRequest("unknown frame type '" + type + "'");
            };
            return List.of(envelope(core, payload, new Pending(type, roomId, data.path("peer").asText(null))));
        }

        /** {@code auth}: the token in the frame or in data; a claimed userId/roomId must be the token's. */
        private Envelope auth(ObjectNode f, JsonNode data, String userId, String roomId) {
            String token = Json.optText(f, "token", null);
            if (token == null) token = Json.text(data, "token");
            if (userId != null || roomId != null) {
                Principal t = tokens.verify(token); // CPU only; unauthorized if invalid
                if (userId != null && !userId.equals(t.userId())) throw HubbubException.forbidden("userId does not match the token");
                if (roomId != null && !t.mayEnter(roomId)) throw HubbubException.forbidden("roomId does not match the token");
            }
            return envelope("auth", Json.object().put("token", token), new Pending("auth", roomId, null));
        }

        private Envelope envelope(String type, ObjectNode payload, Pending p) {
            if (pending.size() >= MAX_PENDING) throw new HubbubException(ErrorCode.RATE_LIMITED, "too many unanswered frames");
            long id = ++nextId;
            pending.put(id, p);
            return new Envelope(type, id, payload);
        }

        @Override
        public List<String> encode(Outbound frame) {
            ObjectNode out = switch (frame) {
                case Outbound.Reply r -> reply(pending.remove(r.id()), r.result());
                case Outbound.Failure e -> {
                    Pending p = e.id() == null ? null : pending.remove(e.id());
                    ObjectNode o = Json.object().put("type", "error").put("code", e.code().wire()).put("message", e.message());
                    if (p != null) {
                        o.put("roomId", p.roomId());
                        ObjectNode d = o.putObject("data").put("request", p.type());
                        if (p.peer() != null) d.put("peer", p.peer());
                    }
                    yield o;
                }
                case Outbound.Push push -> push(push.type(), push.payload());
            };
            return out == null ? List.of() : List.of(out.toString());
        }

        private ObjectNode reply(Pending p, JsonNode result) {
            if (p == null) return null;
            return switch (p.type()) {
                case "auth" -> {
                    Principal me = conn.principal();
                    ObjectNode o = Json.object().put("type", "auth-ok").put("userId", me == null ? null : me.userId());
                    if (p.roomId() != null) o.put("roomId", p.roomId());
                    o.putObject("data").put("userId", me == null ? null : me.userId()).put("userName", me == null ? null : me.name());
                    yield o;
                }
                case "create-room", "join-room" -> {
                    joined.add(p.roomId());
                    ObjectNode o = Json.object().put("type", p.type().equals("create-room") ? "room-created" : "room-joined").put("roomId", p.roomId());
                    o.set("data", result);
                    yield o;
                }
                case "leave-room" -> {
                    joined.remove(p.roomId());
                    yield Json.object().put("type", "room-left").put("roomId", p.roomId());
                }
                default -> null; // signals, heartbeats, presence and cursors have no acknowledgement in the seed
            };
        }

        private ObjectNode push(String type, JsonNode p) {
            String room = p.path("room").asText(null);
            return switch (type) {
                case "signal:relay" -> {
                    JsonNode d = p.path("data");
                    String r = d.path("room").asText();
                    if (!joined.contains(r)) yield null;
                    String from = p.at("/from/id").asText();
                    String kind = d.path("kind").asText();
                    JsonNode signal = d.get("signal");
                    String frameType = switch (kind) {
                        case "offer" -> "sdp-offer";
                        case "answer" -> "sdp-answer";
                        case "end-of-candidates" -> "ice-candidate";
                        default -> kind;
                    };
                    String field = switch (kind) {
                        case "offer" -> "offer";
                        case "answer" -> "answer";
                        case "ice-candidate", "end-of-candidates" -> "candidate";
                        default -> "data";
                    };
                    ObjectNode o = Json.object().put("type", frameType).put("userId", from).put("roomId", r);
                    ObjectNode data = o.putObject("data").put("peer", from);
                    data.set(field, signal == null ? Json.NODES.nullNode() : signal);
                    yield o;
                }
                case "signal:peer-joined", "signal:peer-left" -> {
                    ObjectNode o = Json.object().put("type", type.substring(7)).put("roomId", room);
                    o.putObject("data").set("peer", p.get("data"));
                    yield o;
                }
                case "signal:heartbeat" -> Json.object().put("type", "heartbeat");
                case "signal:ice-servers" -> {
                    ObjectNode o = Json.object().put("type", "ice-servers");
                    o.set("data", p);
                    yield o;
                }
                case "signal:removed" -> {
                    joined.remove(room);
                    ObjectNode o = Json.object().put("type", "removed").put("roomId", room);
                    o.putObject("data").put("reason", p.path("reason").asText());
                    yield o;
                }
                case "room:host" -> {
                    ObjectNode o = Json.object().put("type", "host-changed").put("roomId", room);
                    o.putObject("data").putObject("peer").put("userId", p.at("/host/id").asText()).put("userName", p.at("/host/name").asText());
                    yield o;
                }
                case "room:closed" -> {
                    joined.remove(room);
                    ObjectNode o = Json.object().put("type", "room-closed").put("roomId", room);
                    o.putObject("data").put("reason", p.path("reason").asText());
                    yield o;
                }
                case "presence:update" -> {
                    ObjectNode o = Json.object().put("type", "presence").put("userId", p.at("/user/id").asText()).put("roomId", room);
                    o.putObject("data").put("status", p.at("/user/status").asText());
                    yield o;
                }
                case "room:ephemeral" -> {
                    if (!"cursor-update".equals(p.path("event").asText())) yield null;
                    ObjectNode o = Json.object().put("type", "cursor-update").put("userId", p.at("/from/id").asText()).put("roomId", room);
                    o.set("data", p.get("data"));
                    yield o;
                }
                default -> null; // the seed has no word for the core's other events
            };
        }

        private static String need(String roomId) {
            if (roomId == null || roomId.isEmpty()) throw HubbubException.badRequest("field 'roomId' is required");
            return roomId;
        }

        private static void copy(JsonNode from, String field, ObjectNode to, String as) {
            JsonNode v = from.get(field);
            if (v != null && v.isTextual()) to.put(as, v.textValue());
        }
    }
}
