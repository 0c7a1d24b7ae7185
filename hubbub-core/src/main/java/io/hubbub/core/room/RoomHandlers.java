package io.hubbub.core.room;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.api.EventContext;
import io.hubbub.core.auth.Principal;
import io.hubbub.core.api.HubbubApi;
import io.hubbub.core.config.CoreSettings;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.session.Session;
import io.hubbub.core.session.SessionHandlers;



/** Built-in {@code room:*} handlers (docs/PROTOCOL.md), registered through the public handler API. */
public final class RoomHandlers {
    private RoomHandlers() {}

    public static void register(HubbubApi node, CoreSettings settings) {
        RoomService rooms = node.rooms();

        node.on("room:create", ctx -> {
            JsonNode p = ctx.payload();
            String id = p.has("room") ? Json.id(p, "room") : null;
            // non-admins get a smaller historySize cap (history.maxUserHistorySize): what one user can make the node keep
            int maxHistory = settings.maxHistorySizeFor(ctx.principal().isAdmin());
            RoomSettings s = RoomJson.parse(p, rooms.defaultSettings(Json.text(p, "name")), maxHistory, true);
            Session session = ctx.session();
            rooms.checkRoomsPerConnection(session); // the creator joins: refuse before creating anything
            return rooms.create(session.principal(), id, s)
                    .thenComposeAsync(room -> rooms.join(session, room.id(), null, null, ctx.envelope().id()), session.executor());
        });
        node.on("room:join", ctx -> {
            JsonNode p = ctx.payload();
            return rooms.join(ctx.session(), Json.id(p, "room"), SessionHandlers.parsePosition(p.get("since")),
                    Json.optText(p, "token", null), ctx.envelope().id());
        });
        node.on("room:leave", ctx -> rooms.leave(ctx.session(), Json.id(ctx.payload(), "room"), true).thenApply(v -> Json.object()));
        node.on("room:list", ctx -> {
            JsonNode p = ctx.payload();
            String after = Json.optText(p, "after", null);
            int limit = Json.optInt(p, "limit", 50, 1, 200);
            return EventContext.reply(rooms.list(after, limit, false));
        });
        node.on("room:get", ctx -> rooms.get(ctx.principal(), Json.id(ctx.payload(), "room")));
        node.on("room:update", ctx -> rooms.update(ctx.principal(), Json.id(ctx.payload(), "room"), ctx.payload()));
        node.on("room:close", ctx -> {
            JsonNode p = ctx.payload();
            String reason = Json.optText(p, "reason", "closed by the host");
            if (reason.length() > 200) throw HubbubException.badRequest("field 'reason' is over 200 characters");
            return rooms.close(ctx.principal(), Json.id(p, "room"), reason).thenApply(v -> Json.object());
        });
        node.on("room:invite", ctx -> {
            JsonNode p = ctx.payload();
            return rooms.invite(ctx.principal(), Json.id(p, "room"), Json.id(p, "user")).thenApply(v -> Json.object());
        });
        node.on("room:members", ctx -> {
            String room = Json.id(ctx.payload(), "room");
            requireJoinedOrAdmin(ctx.session(), room);
            return node.presence().members(room).thenApply(m -> {
                ObjectNode o = Json.object();
                o.set("members", m);
                return o;
            });
        });
        node.on("room:history", ctx -> {
            JsonNode p = ctx.payload();
            String room = Json.id(p, "room");
            requireJoinedOrAdmin(ctx.session(), room);
            long before = Json.optLong(p, "before", -1);
            int limit = Json.optInt(p, "limit", 50, 1, 1000);
            return rooms.history(room, before < 0 ? null : before, limit);
        });
    }

    static void requireJoinedOrAdmin(Session s, String room) {
        Principal p = s.principal();
        if (!s.inRoom(room) && !p.isAdmin()) throw HubbubException.notFound("not in room '" + room + "'");
    }

}
