package io.hubbub.core.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.protocol.HubbubException;

import java.util.Set;

/**
 * Confinement of room-scoped credentials (room tokens): a room token opens its room and nothing else. It
 * may send only the connection's housekeeping events and the events that act inside a room, and only
 * for a room in its scope; everything else (direct messages, presence queries and subscriptions, topics,
 * the room list, custom events, and every HTTP API route) is answered {@code forbidden}. Room-level rules
 * (membership, the room's publish and state policies) still apply on top.
 */
public final class RoomScope {
    /** What a room token may send; each names its room in the payload's {@code room} field where it has one. */
    public static final Set<String> ALLOWED_EVENTS = Set.of("auth", "ping", "session:resume",
            "room:create", "room:join", "room:leave", "room:get", "room:members", "room:history",
            "message:send", "typing:start", "typing:stop", "room:ephemeral", "state:get", "state:set", "state:delete");

    private RoomScope() {}

    /**
     * Throws {@code forbidden} if {@code p} is room-scoped and the event is not one a room token may send,
     * or names a room outside its scope. Full credentials always pass. Cheap; safe on an event loop.
     */
    public static void check(Principal p, String type, JsonNode payload) {
        check(p, type, payload, Set.of());
    }

    /** As {@link #check(Principal, String, JsonNode)}, with {@code alsoAllowed}: in-room events applications registered. */
    public static void check(Principal p, String type, JsonNode payload, Set<String> alsoAllowed) {
        if (p == null || !p.isRoomScoped()) return;
        if (!ALLOWED_EVENTS.contains(type) && !alsoAllowed.contains(type)) throw forbidden();
        JsonNode room = payload == null ? null : payload.get("room");
        if (room != null && room.isTextual() && !p.mayEnter(room.asText())) {
            throw HubbubException.forbidden("this token is scoped to other rooms");
        }
    }

    public static HubbubException forbidden() {
        return HubbubException.forbidden("a room token opens its room and nothing else");
    }
}
