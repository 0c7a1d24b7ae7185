package io.hubbub.core.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.auth.Principal;
import io.hubbub.core.engine.Channels;
import io.hubbub.core.engine.StreamPosition;
import io.hubbub.core.api.Extensions;
import io.hubbub.core.api.HubbubApi;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.protocol.Outbound;
import io.hubbub.core.room.RoomJson;
import io.hubbub.core.session.Session;
import io.hubbub.core.session.SessionHandlers;
import io.hubbub.core.session.Subscriptions;

import java.util.concurrent.CompletableFuture;

/** Built-in {@code message:*} and {@code topic:*} handlers (docs/PROTOCOL.md). */
public final class MessageHandlers {
    /** Topics with this prefix need an admin or a token listing them. */
    public static final String PRIVATE_TOPIC_PREFIX = "private.";
    static final int MAX_TOPICS_PER_CONNECTION = 100;

    private MessageHandlers() {}

    /** What these handlers use besides the public API. */
    private record Deps(HubbubApi api, Subscriptions subscriptions, Extensions extensions) {}

    public static void register(HubbubApi api, Subscriptions subscriptions, Extensions extensions) {
        MessagingService messaging = api.messaging();
        Deps node = new Deps(api, subscriptions, extensions);

        api.on("message:send", ctx -> {
            JsonNode p = ctx.payload();
            String room = Json.id(p, "room");
            JsonNode data = Json.value(p, "data");
            boolean excludeSelf = Json.optBool(p, "excludeSelf", false);
            String clientId = p.has("clientId") ? Json.id(p, "clientId") : null; // idempotent retries (PROTOCOL.md)
            return node.api().rooms().publish(ctx.session(), room, data, excludeSelf, clientId).thenApply(MessageHandlers::ack);
        });
        api.on("message:direct", ctx -> {
            JsonNode p = ctx.payload();
            String to = Json.id(p, "to");
            Principal me = ctx.principal();
            return messaging.publishToUser(to, "message:direct", Json.value(p, "data"), RoomJson.user(me.userId(), me.name()))
                    .thenApply(ts -> Json.object().put("ts", ts));
        });
        api.on("typing:start", ctx -> {
            String room = joined(ctx.session(), ctx.payload());
            return node.api().presence().startTyping(room, ctx.session()).thenApply(x -> Json.object());
        });
        api.on("typing:stop", ctx -> {
            String room = joined(ctx.session(), ctx.payload());
            return node.api().presence().stopTyping(room, ctx.session(), true).thenApply(x -> Json.object());
        });
        api.on("room:ephemeral", ctx -> {
            JsonNode p = ctx.payload();
            String room = joined(ctx.session(), p);
            String event = Json.text(p, "event");
            if (event.isEmpty() || event.length() > 32) throw HubbubException.badRequest("field 'event' must be 1-32 characters");
            return node.api().presence().ephemeral(room, ctx.session(), event, Json.value(p, "data")).thenApply(x -> Json.object());
        });
        api.on("topic:subscribe", ctx -> subscribeTopic(node, ctx.session(), ctx.payload(), ctx.envelope().id()));
        api.on("topic:unsubscribe", ctx -> {
            Session s = ctx.session();
            String topic = Json.id(ctx.payload(), "topic");
            if (!s.removeTopic(topic)) throw HubbubException.notFound("not subscribed to topic '" + topic + "'");
            node.subscriptions().unsubscribe(s, Channels.topic(topic));
            return CompletableFuture.completedFuture(Json.object());
        });
    }

    private static String joined(Session s, JsonNode p) {
        String room = Json.id(p, "room");
        if (!s.inRoom(room)) throw HubbubException.notFound("not in room '" + room + "'");
        return room;
    }

    static ObjectNode ack(StreamPosition pos) {
        ObjectNode o = Json.object().put("offset", pos.offset());
        o.put("epoch", pos.epoch());
        o.put("ts", System.currentTimeMillis());
        return o;
    }

    private static CompletableFuture<JsonNode> subscribeTopic(Deps node, Session s, JsonNode p, Long replyId) {
        String topic = Json.id(p, "topic");
        StreamPosition since = SessionHandlers.parsePosition(p.get("since"));
        if (topic.startsWith(PRIVATE_TOPIC_PREFIX) && !s.principal().isAdmin()) {
            throw HubbubException.forbidden("topic '" + topic + "' needs a permission");
        }
        if (s.topics().contains(topic)) throw new HubbubException(ErrorCode.CONFLICT, "already subscribed to '" + topic + "'");
        if (s.topics().size() >= MAX_TOPICS_PER_CONNECTION) {
            throw new HubbubException(ErrorCode.LIMIT_EXCEEDED, "at most " + MAX_TOPICS_PER_CONNECTION + " topics per connection");
        }
        s.addTopic(topic); // reserved now so a second subscribe while the hooks run is a conflict
        String channel = Channels.topic(topic);
        Subscriptions subs = node.subscriptions();
        CompletableFuture<Void> hooks = CompletableFuture.completedFuture(null);
        for (var h : node.extensions().topicHooks) hooks = hooks.thenCompose(v -> h.beforeSubscribe(s, topic).toCompletableFuture());
        return hooks.handleAsync((v, err) -> {
            if (err != null) {
                s.removeTopic(topic);
                throw HubbubException.from(err);
            }
            return null;
        }, s.executor()).thenCompose(v -> subs.subscribe(s, channel, since)).handleAsync((j, err) -> {
            if (err != null) {
                subs.abort(s, channel);
                s.removeTopic(topic);
                throw HubbubException.from(err);
            }
            ObjectNode reply = Json.object();
            reply.set("position", RoomJson.position(j.position()));
            if (j.recovered() != null) reply.put("recovered", j.recovered());
            subs.complete(s, channel, j, replyId == null ? null : new Outbound.Reply(replyId, reply));
            return replyId == null ? reply : io.hubbub.core.api.EventContext.REPLIED;
        }, s.executor());
    }
}
