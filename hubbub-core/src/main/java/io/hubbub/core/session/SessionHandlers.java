package io.hubbub.core.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.api.EventContext;
import io.hubbub.core.auth.Principal;
import io.hubbub.core.auth.Role;
import io.hubbub.core.engine.Channels;
import io.hubbub.core.engine.SessionSnapshot;
import io.hubbub.core.engine.StreamPosition;
import io.hubbub.core.api.HubbubApi;
import io.hubbub.core.auth.TokenVerifier;
import io.hubbub.core.config.CoreSettings;
import io.hubbub.core.engine.SessionStore;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.protocol.Outbound;
import io.hubbub.core.room.RoomJson;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** Built-in handlers of the connection itself: {@code auth}, {@code ping}, {@code session:resume}. */
public final class SessionHandlers {
    private SessionHandlers() {}

    /** What the connection handlers use besides the public API. */
    private record Deps(HubbubApi api, SessionLifecycle lifecycle, CoreSettings settings, TokenVerifier tokens,
                        ResumeTokens resumeTokens, SessionStore sessions, Subscriptions subscriptions) {}

    public static void register(HubbubApi api, SessionLifecycle lifecycle, CoreSettings settings, TokenVerifier tokens,
                                ResumeTokens resumeTokens, SessionStore sessions, Subscriptions subscriptions) {
        Deps node = new Deps(api, lifecycle, settings, tokens, resumeTokens, sessions, subscriptions);
        api.on("ping", ctx -> EventContext.reply(Json.object().put("ts", System.currentTimeMillis())));
        node.api().on("auth", ctx -> auth(node, ctx));
        node.api().on("session:resume", ctx -> resume(node, ctx));
    }

    private static CompletableFuture<JsonNode> auth(Deps node, EventContext ctx) {
        Session s = ctx.session();
        if (s.isAuthenticated()) throw new HubbubException(ErrorCode.CONFLICT, "already authenticated");
        JsonNode p = ctx.payload();
        Principal principal;
        if (Json.optBool(p, "guest", false)) {
            if (!node.settings().allowGuests()) throw HubbubException.forbidden("guests are not allowed on this server");
            String name = io.hubbub.core.protocol.DisplayNames.check("name", Json.optText(p, "name", "guest"));
            principal = new Principal("guest-" + UUID.randomUUID(), name, Role.GUEST, null, 0);
        } else {
            principal = node.tokens().verify(Json.text(p, "token"));
        }
        return node.lifecycle().authenticate(s, principal).thenApply(w -> w);
    }

    /**
     * Re-joins the rooms and topics of a session that dropped within the resume window, replaying what
     * it missed per room, then replies. Sequential per room so the replay order is deterministic.
     */
    private static CompletableFuture<JsonNode> resume(Deps node, EventContext ctx) {
        Session s = ctx.session();
        JsonNode p = ctx.payload();
        String sid = node.resumeTokens().verify(Json.text(p, "token"));
        JsonNode positions = p.path("rooms");
        if (!positions.isMissingNode() && !positions.isObject()) throw HubbubException.badRequest("field 'rooms' must be an object");
        JsonNode topicPositions = p.path("topics");
        if (!topicPositions.isMissingNode() && !topicPositions.isObject()) throw HubbubException.badRequest("field 'topics' must be an object");
        // Only the owner takes (uses up) the snapshot: a token presented by another user's connection
        // (leaked or guessed) must not destroy the owner's chance to resume.
        String user = s.userId();
        CompletableFuture<Optional<SessionSnapshot>> snap = sid == null
                ? CompletableFuture.completedFuture(Optional.empty())
                : takeOver(node, s, sid).thenCompose(v -> node.sessions().load(sid)).thenCompose(o -> o.isPresent() && o.get().userId().equals(user)
                        ? node.sessions().take(sid)
                        : CompletableFuture.completedFuture(Optional.<SessionSnapshot>empty()));
        return snap.thenComposeAsync(o -> {
            if (o.isEmpty() || !o.get().userId().equals(s.userId())) {
                return CompletableFuture.completedFuture((JsonNode) Json.object().put("resumed", false));
            }
            SessionSnapshot old = o.get();
            // live messages arrive while the other rooms are re-joined: the reply reports what was delivered
            s.watchDelivered();
            ObjectNode reply = Json.object().put("resumed", true);
            ObjectNode roomsOut = reply.putObject("rooms");
            CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
            for (String room : old.rooms()) {
                StreamPosition since = parsePosition(positions.get(room));
                chain = chain.thenComposeAsync(v -> node.api().rooms().join(s, room, since, null, null, false)
                        .handle((r, e) -> {
                            if (e != null) {
                                HubbubException he = HubbubException.from(e);
                                roomsOut.putObject(room).putObject("error").put("code", he.code().wire()).put("message", he.getMessage());
                            } else {
                                ObjectNode ro = roomsOut.putObject(room);
                                ro.put("recovered", since != null && r.path("recovered").asBoolean(false));
                                ro.set("position", r.get("position"));
                            }
                            return null;
                        }), s.executor());
            }
            // topics: re-subscribed one after the other, replaying from the given positions like rooms
            List<String> topics = new ArrayList<>();
            ObjectNode topicRecovery = Json.object();
            for (String t : old.topics()) {
                topics.add(t);
                StreamPosition since = parsePosition(topicPositions.get(t));
                String channel = Channels.topic(t);
                chain = chain.thenComposeAsync(v -> {
                    if (!s.addTopic(t)) return CompletableFuture.completedFuture(null);
                    return node.subscriptions().subscribe(s, channel, since).handleAsync((j, e) -> {
                        if (e != null) {
                            node.subscriptions().abort(s, channel);
                            s.removeTopic(t);
                            HubbubException he = HubbubException.from(e);
                            topicRecovery.putObject(t).putObject("error").put("code", he.code().wire()).put("message", he.getMessage());
                            return null;
                        }
                        node.subscriptions().complete(s, channel, j, null);
                        ObjectNode to = topicRecovery.putObject(t);
                        to.put("recovered", since != null && Boolean.TRUE.equals(j.recovered()));
                        to.set("position", RoomJson.position(j.position()));
                        return null;
                    }, s.executor());
                }, s.executor());
            }
            Long id = ctx.envelope().id();
            return chain.thenApplyAsync(v -> {
                reply.set("topics", Json.MAPPER.valueToTree(topics));
                reply.set("topicRecovery", topicRecovery);
                s.replyWithDelivered(last -> {
                    raise(roomsOut, last, Channels::room);
                    raise(topicRecovery, last, Channels::topic);
                    return id == null ? null : new Outbound.Reply(id, reply);
                });
                return id == null ? (JsonNode) reply : EventContext.REPLIED;
            }, s.executor()).whenComplete((r, e) -> {
                if (e != null) s.unwatchDelivered();
            });
        }, s.executor());
    }

    /**
     * Raises each entry's {@code position.offset} to the last offset delivered to the session on its
     * channel before the reply, so a client that stores the reply's position never re-receives those
     * messages at its next resume (docs/PROTOCOL.md, {@code session:resume}).
     */
    private static void raise(ObjectNode entries, java.util.function.ToLongFunction<String> last,
                              java.util.function.UnaryOperator<String> channelOf) {
        entries.fields().forEachRemaining(e -> {
            if (e.getValue().get("position") instanceof ObjectNode pos) {
                long delivered = last.applyAsLong(channelOf.apply(e.getKey()));
                if (delivered > pos.path("offset").asLong()) pos.put("offset", delivered);
            }
        });
    }

    /**
     * If the session to resume is still open on this node (its network dropped silently and the
     * heartbeat has not noticed yet), the new connection takes it over: the old one is closed with
     * 4011 and its snapshot saved, so the resume succeeds instead of waiting for the timeout.
     */
    private static CompletableFuture<Void> takeOver(Deps node, Session s, String sid) {
        Session old = node.lifecycle().session(sid);
        if (old == null || old == s || old.userId() == null || !old.userId().equals(s.userId())) {
            return CompletableFuture.completedFuture(null);
        }
        old.transport().close(CloseReason.REPLACED);
        return node.lifecycle().closed(old).completeOnTimeout(null, 5, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** {@code {"epoch": "...", "offset": 41}} or null. */
    public static StreamPosition parsePosition(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) return null;
        if (!n.isObject()) throw HubbubException.badRequest("a position must be an object {epoch, offset}");
        String epoch = Json.text(n, "epoch");
        long offset = Json.optLong(n, "offset", -1);
        if (offset < 0) throw HubbubException.badRequest("a position needs an offset >= 0");
        return new StreamPosition(offset, epoch);
    }
}
