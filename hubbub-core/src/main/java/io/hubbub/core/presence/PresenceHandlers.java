package io.hubbub.core.presence;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.api.HubbubApi;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.session.Session;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Built-in {@code presence:*} handlers (docs/PROTOCOL.md). */
public final class PresenceHandlers {
    static final Set<String> STATUSES = Set.of("active", "idle", "away");
    static final int MAX_USERS = 100;
    static final int MAX_WATCHED = 500;

    private PresenceHandlers() {}

    public static void register(HubbubApi node) {
        PresenceService presence = node.presence();
        node.on("presence:set", ctx -> {
            JsonNode p = ctx.payload();
            String status = Json.optText(p, "status", ctx.session().status());
            if (!STATUSES.contains(status)) throw HubbubException.badRequest("field 'status' must be one of active, idle, away");
            JsonNode custom = p.has("custom") ? Json.optObject(p, "custom", 1024) : ctx.session().custom();
            return presence.setStatus(ctx.session(), status, custom, node.rooms().all()).thenApply(v -> Json.object());
        });
        node.on("presence:query", ctx -> presence.query(users(ctx.payload())).thenApply(u -> wrap(u)));
        node.on("presence:subscribe", ctx -> {
            Session s = ctx.session();
            List<String> users = users(ctx.payload());
            if (s.watched().size() + users.size() > MAX_WATCHED) {
                throw new HubbubException(io.hubbub.core.protocol.ErrorCode.LIMIT_EXCEEDED, "at most " + MAX_WATCHED + " watched users");
            }
            List<CompletableFuture<Void>> subs = new ArrayList<>();
            for (String u : users) subs.add(presence.watch(s, u));
            return CompletableFuture.allOf(subs.toArray(CompletableFuture[]::new))
                    .thenCompose(v -> presence.query(users)).thenApply(PresenceHandlers::wrap);
        });
        node.on("presence:unsubscribe", ctx -> {
            List<String> users = users(ctx.payload());
            for (String u : users) presence.unwatch(ctx.session(), u);
            return CompletableFuture.completedFuture(Json.object());
        });
    }

    private static JsonNode wrap(JsonNode users) {
        var o = Json.object();
        o.set("users", users);
        return o;
    }

    private static List<String> users(JsonNode p) {
        JsonNode arr = p.get("users");
        if (arr == null || !arr.isArray()) throw HubbubException.badRequest("field 'users' must be an array of user ids");
        if (arr.size() == 0 || arr.size() > MAX_USERS) throw HubbubException.badRequest("field 'users' must have 1 to " + MAX_USERS + " ids");
        List<String> out = new ArrayList<>();
        for (JsonNode u : arr) {
            if (!u.isTextual() || !Json.isValidId(u.textValue())) throw HubbubException.badRequest("field 'users' has an invalid id");
            out.add(u.textValue());
        }
        return out;
    }
}
