package io.hubbub.core.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.api.HubbubApi;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.room.Room;
import io.hubbub.core.room.RoomJson;
import io.hubbub.core.room.RoomService;
import io.hubbub.core.session.Session;

import java.util.concurrent.CompletableFuture;

/** Built-in {@code state:*} handlers (docs/PROTOCOL.md "Room state"), registered through the public handler API. */
public final class StateHandlers {
    private StateHandlers() {}

    public static void register(HubbubApi node) {
        RoomService rooms = node.rooms();
        RoomStateService state = node.roomState();
        node.on("state:get", ctx -> {
            JsonNode p = ctx.payload();
            String roomId = Json.id(p, "room");
            String key = Json.optText(p, "key", null);
            return readable(rooms, ctx.session(), roomId).thenCompose(room -> {
                RoomStateService.Handle h = state.of(roomId);
                if (key == null) {
                    return h.entries().thenApply(all -> {
                        ObjectNode o = Json.object().put("room", roomId);
                        o.set("state", all);
                        return o;
                    });
                }
                return h.get(key).thenApply(v -> {
                    ObjectNode o = Json.object().put("room", roomId).put("key", key);
                    o.set("value", v.orElse(Json.NODES.nullNode()));
                    return o;
                });
            });
        });
        node.on("state:set", ctx -> {
            JsonNode p = ctx.payload();
            String roomId = Json.id(p, "room");
            String key = Json.text(p, "key");
            JsonNode value = p.get("value");
            if (value == null) throw HubbubException.badRequest("field 'value' is required");
            Session s = ctx.session();
            return writable(rooms, state, s, roomId, key)
                    .thenCompose(room -> state.of(roomId).set(key, value, by(s)))
                    .thenApply(v -> Json.object());
        });
        node.on("state:delete", ctx -> {
            JsonNode p = ctx.payload();
            String roomId = Json.id(p, "room");
            String key = Json.text(p, "key");
            Session s = ctx.session();
            return writable(rooms, state, s, roomId, key)
                    .thenCompose(room -> state.of(roomId).delete(key, by(s)))
                    .thenApply(existed -> Json.object().put("deleted", existed));
        });
    }

    private static ObjectNode by(Session s) {
        return RoomJson.user(s.userId(), s.principal().name());
    }

    /** Members read their room's state; admins any room's. */
    private static CompletableFuture<Room> readable(RoomService rooms, Session s, String roomId) {
        if (!s.inRoom(roomId) && !s.principal().isAdmin()) throw HubbubException.notFound("not in room '" + roomId + "'");
        return rooms.find(roomId).thenApply(o -> o.orElseThrow(() -> HubbubException.notFound("room '" + roomId + "' does not exist")));
    }

    /** Members write when the write policy allows (checked on the session's executor). */
    private static CompletableFuture<Room> writable(RoomService rooms, RoomStateService state, Session s, String roomId, String key) {
        if (!s.inRoom(roomId) && !s.principal().isAdmin()) throw HubbubException.notFound("not in room '" + roomId + "'");
        return rooms.find(roomId).thenApplyAsync(o -> {
            Room room = o.orElseThrow(() -> HubbubException.notFound("room '" + roomId + "' does not exist"));
            if (!state.writePolicy().mayWrite(s, room, key)) {
                throw HubbubException.forbidden("you may not change the state of room '" + roomId + "'");
            }
            return room;
        }, s.executor());
    }
}
