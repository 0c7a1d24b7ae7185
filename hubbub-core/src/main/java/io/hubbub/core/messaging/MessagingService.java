package io.hubbub.core.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.engine.Broker;
import io.hubbub.core.engine.Channels;
import io.hubbub.core.engine.Publication;
import io.hubbub.core.engine.PublishOptions;
import io.hubbub.core.engine.StreamPosition;
import io.hubbub.core.telemetry.Telemetry;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.room.Room;
import io.hubbub.core.room.RoomJson;
import io.hubbub.core.room.RoomSettings;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Publishing: to a room (recorded in its history with the room's options), to a topic (recorded
 * with the server defaults), and to all connections of a user (not recorded). Used by client
 * handlers and by server code alike (HTTP publish API, features).
 *
 * <p>Delivery guarantee: a publish whose future completed was accepted by the broker and will reach
 * every receiver subscribed at that time, in the room's order; a failed future (e.g. {@code unavailable})
 * means nothing was published.
 */
public final class MessagingService {
    /** The sender shown for messages published by the server itself. */
    public static final ObjectNode SERVER = RoomJson.user("server", "server");

    private final Broker broker;
    private final Telemetry telemetry;
    private final PublishOptions topicOptions;
    private final long historyMaxBytes;

    public MessagingService(Broker broker, Telemetry telemetry, int topicHistorySize, Duration topicHistoryTtl) {
        this(broker, telemetry, topicHistorySize, topicHistoryTtl, 0);
    }

    /** @param historyMaxBytes bytes of history each room and topic keeps at most (0 = no byte bound) */
    public MessagingService(Broker broker, Telemetry telemetry, int topicHistorySize, Duration topicHistoryTtl, long historyMaxBytes) {
        this.broker = broker;
        this.telemetry = telemetry;
        this.historyMaxBytes = historyMaxBytes;
        this.topicOptions = new PublishOptions(topicHistorySize, topicHistoryTtl, topicHistoryTtl.plusHours(1))
                .withHistoryMaxBytes(historyMaxBytes);
    }

    /**
     * The idempotency key of a client message id: namespaced by the sender, so one user can never make
     * another user's message look like a repeat. Null when there is no client id.
     */
    public static String idempotencyKey(String senderId, String clientId) {
        return clientId == null ? null : senderId.length() + ":" + senderId + ":" + clientId;
    }

    public static PublishOptions options(RoomSettings s) {
        if (s.historySize() == 0) return PublishOptions.NO_HISTORY;
        Duration ttl = s.historyTtlSec() == 0 ? Duration.ofDays(365) : Duration.ofSeconds(s.historyTtlSec());
        return new PublishOptions(s.historySize(), ttl, ttl.plusHours(1));
    }

    /**
     * Publishes {@code message:new} (or another event) to a room's members.
     *
     * @param from           sender shown to receivers ({@link #SERVER} for server publishes)
     * @param excludeSession a session that must not receive it, or null
     */
    public CompletableFuture<StreamPosition> publishToRoom(Room room, String event, JsonNode data, ObjectNode from,
                                                           String excludeSession) {
        return publishToRoom(room, event, data, from, excludeSession, null);
    }

    /**
     * As above, idempotent when {@code idempotencyKey} is non-null (see {@link #idempotencyKey}): while the
     * message made with that key is in the room's history, a repeat publishes nothing and completes with
     * the original position (cluster-wide: the broker checks it).
     */
    public CompletableFuture<StreamPosition> publishToRoom(Room room, String event, JsonNode data, ObjectNode from,
                                                           String excludeSession, String idempotencyKey) {
        ObjectNode p = Json.object().put("room", room.id());
        p.set("from", from);
        p.set("data", data);
        room.touch(System.currentTimeMillis());
        telemetry.published("room");
        Publication pub = new Publication(event, p, 0, null, 0, excludeSession, false);
        PublishOptions o = options(room.settings());
        if (o.recorded()) o = o.withHistoryMaxBytes(historyMaxBytes).withIdempotencyKey(idempotencyKey);
        return broker.publish(Channels.room(room.id()), pub, o);
    }

    /** Publishes a room event that is not a message and is not recorded (room:updated, room:closed, room:host). */
    public CompletableFuture<StreamPosition> roomEvent(String roomId, String event, ObjectNode payload) {
        return broker.publish(Channels.room(roomId), Publication.of(event, payload), PublishOptions.NO_HISTORY);
    }

    public CompletableFuture<StreamPosition> publishToTopic(String topic, String event, JsonNode data) {
        return publishToTopic(topic, event, data, null);
    }

    /**
     * Publishes {@code topic:message} {@code {topic, event, data[, from]}} to a topic's subscribers,
     * recorded with the server's topic history defaults.
     *
     * @param from the sender shown to receivers, or null for none (server publishes)
     */
    public CompletableFuture<StreamPosition> publishToTopic(String topic, String event, JsonNode data, ObjectNode from) {
        return publishToTopic(topic, event, data, from, null);
    }

    /** As above, idempotent when {@code idempotencyKey} is non-null (see {@link #publishToRoom}). */
    public CompletableFuture<StreamPosition> publishToTopic(String topic, String event, JsonNode data, ObjectNode from,
                                                            String idempotencyKey) {
        ObjectNode p = Json.object().put("topic", topic).put("event", event == null ? "message" : event);
        p.set("data", data);
        if (from != null) p.set("from", from);
        telemetry.published("topic");
        return broker.publish(Channels.topic(topic), Publication.of("topic:message", p), topicOptions.withIdempotencyKey(idempotencyKey));
    }

    /** Sends to all connections of a user on every node; not recorded. */
    public CompletableFuture<Long> publishToUser(String userId, String event, JsonNode data, ObjectNode from) {
        long ts = System.currentTimeMillis();
        ObjectNode p = Json.object();
        p.set("from", from);
        p.set("data", data);
        p.put("ts", ts);
        telemetry.published("user");
        return broker.publish(Channels.user(userId), Publication.of(event == null ? "message:direct" : event, p), PublishOptions.NO_HISTORY)
                .thenApply(pos -> ts);
    }

    /**
     * Sends {@code event} with {@code payload} exactly as given (no {@code from}/{@code data} envelope)
     * to all connections of a user on every node; not recorded. For features whose pushes have their
     * own documented shape (e.g. chat's {@code message:new}). Per user channel, publications made from
     * one thread arrive in the order they were made.
     */
    public CompletableFuture<StreamPosition> sendToUser(String userId, String event, ObjectNode payload) {
        telemetry.published("user");
        return broker.publish(Channels.user(userId), Publication.of(event, payload), PublishOptions.NO_HISTORY);
    }

    /**
     * {@link #sendToUser} to many users with ONE publication: on this node their connections share one
     * push, encoded once per protocol, instead of one encode per user. {@code except} (a user id, or
     * null) gets nothing. Order per user channel is as for {@link #sendToUser}.
     */
    public void sendToUsers(Iterable<String> userIds, String event, ObjectNode payload, String except) {
        Publication pub = Publication.of(event, payload);
        for (String u : userIds) {
            if (u.equals(except)) continue;
            telemetry.published("user");
            broker.publish(Channels.user(u), pub, PublishOptions.NO_HISTORY);
        }
    }
}
