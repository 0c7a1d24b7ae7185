package io.hubbub.core.presence;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.api.HubbubApi;
import io.hubbub.core.api.PresenceAuthorizer;
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

    /** Registers the handlers; {@code authorizers} is read on every query/subscribe (a live list). */
    public static void register(HubbubApi node, List<PresenceAuthorizer> authorizers) {
        PresenceService presence = node.presence();
        node.on("presence:set", ctx -> {
            JsonNode p = ctx.payload();
            String status = Json.optText(p, "status", ctx.session().status());
            if (!STATUSES.contains(status)) throw HubbubException.badRequest("field 'status' must be one of active, idle, away");
            JsonNode custom = p.has("custom") ? Json.optObject(p, "custom", 1024) : ctx.session().custom();
            return presence.setStatus(ctx.session(), status, custom, node.rooms().all()).thenApply(v -> Json.object());
        });
        node.on("presence:query", ctx -> {
            List<String> users = users(ctx.payload());
            return visible(ctx.session(), users, authorizers)
                    .thenCompose(v -> presence.query(users)).thenApply(PresenceHandlers::wrap);
        });
        node.on("presence:subscribe", ctx -> {
            Session s = ctx.session();
            List<String> users = users(ctx.payload());
            if (s.watched().size() + users.size() > MAX_WATCHED) {
                throw new HubbubException(io.hubbub.core.protocol.ErrorCode.LIMIT_EXCEEDED, "at most " + MAX_WATCHED + " watched users");
            }
            // the watches are added on the session's executor, after every id was allowed
            Set<String> added = new java.util.HashSet<>();
            return visible(s, users, authorizers).thenComposeAsync(v -> {
                // a connection that closed while the check ran has had its watches removed: add none
                if (s.isClosed()) return CompletableFuture.<Void>completedFuture(null);
                List<CompletableFuture<Void>> subs = new ArrayList<>();
                for (String u : users) {
                    if (!s.watched().contains(u)) added.add(u);
                    subs.add(presence.watch(s, u));
                }
                return CompletableFuture.allOf(subs.toArray(CompletableFuture[]::new));
            }, s.executor()).thenComposeAsync(v -> recheck(presence, s, users, added, authorizers), s.executor())
                    .thenCompose(v -> presence.query(users)).thenApply(PresenceHandlers::wrap);
        });
        node.on("presence:unsubscribe", ctx -> {
            List<String> users = users(ctx.payload());
            for (String u : users) presence.unwatch(ctx.session(), u);
            return CompletableFuture.completedFuture(Json.object());
        });
    }

    /**
     * Checks again once the watches exist: a relation that ended between the first check and the watches
     * (a block, whose own unwatch may have run before they were added) would otherwise leave a watch the
     * authorizer no longer allows. If the second check refuses or fails, the watches this request added
     * and the refused ones are removed (on the session's executor) and the request fails as the check
     * did; a relation that ends after the second check is the authorizer's to act on (chat unwatches on a
     * block).
     */
    private static CompletableFuture<Void> recheck(PresenceService presence, Session s, List<String> users, Set<String> added,
                                                   List<PresenceAuthorizer> authorizers) {
        if (authorizers.isEmpty() || added.isEmpty()) return CompletableFuture.completedFuture(null);
        return visible(s, users, authorizers).handleAsync((v, e) -> {
            if (e == null) return null;
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            Set<String> undo = new java.util.HashSet<>(added);
            if (cause instanceof HubbubException he && he.details() != null) he.details().path("users").forEach(u -> undo.add(u.asText()));
            for (String u : undo) presence.unwatch(s, u);
            throw cause instanceof HubbubException he ? he : HubbubException.unavailable("presence visibility could not be checked; retry later");
        }, s.executor());
    }

    /**
     * Completes when every authorizer lets {@code s} see all of {@code users} (its own id always);
     * fails with {@code forbidden} naming the refused ids, or {@code unavailable} if an authorizer failed.
     */
    static CompletableFuture<Void> visible(Session s, List<String> users, List<PresenceAuthorizer> authorizers) {
        if (authorizers.isEmpty()) return CompletableFuture.completedFuture(null);
        List<String> others = users.stream().filter(u -> !u.equals(s.userId())).distinct().toList();
        if (others.isEmpty()) return CompletableFuture.completedFuture(null);
        Set<String> refused = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<CompletableFuture<?>> checks = new ArrayList<>();
        for (PresenceAuthorizer a : authorizers) {
            CompletableFuture<Set<String>> check;
            try {
                check = a.refused(s, others).toCompletableFuture();
            } catch (RuntimeException e) {
                check = CompletableFuture.failedFuture(e);
            }
            checks.add(check.thenAccept(r -> { if (r != null) refused.addAll(r); }));
        }
        return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).handle((v, e) -> {
            if (e != null) {
                Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                if (cause instanceof HubbubException he) throw he;
                throw HubbubException.unavailable("presence visibility could not be checked; retry later");
            }
            refused.retainAll(others);
            if (refused.isEmpty()) return null;
            var details = Json.object();
            var ids = details.putArray("users");
            others.stream().filter(refused::contains).forEach(ids::add);
            throw new HubbubException(io.hubbub.core.protocol.ErrorCode.FORBIDDEN, "presence of these users is not visible to you", details);
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
