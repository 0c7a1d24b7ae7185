package io.hubbub.core.api;

import io.hubbub.core.messaging.MessagingService;
import io.hubbub.core.presence.PresenceService;
import io.hubbub.core.room.RoomService;
import io.hubbub.core.session.Session;
import io.hubbub.core.state.RoomStateService;

import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The public surface for applications that embed Hubbub, and the one the built-in features use:
 * register handlers for event types, hook into connect/join/publish, and act on rooms, presence and
 * messaging from server code. Registration happens before the server starts accepting connections.
 *
 * <pre>{@code
 * api.on("dice:roll", ctx -> {
 *     int n = 1 + ThreadLocalRandom.current().nextInt(6);
 *     Room room = api.rooms().local(Json.id(ctx.payload(), "room"))
 *             .orElseThrow(() -> HubbubException.notFound("no such room"));
 *     return api.messaging().publishToRoom(room, "dice:rolled", Json.object().put("n", n),
 *                     RoomJson.user(ctx.principal().userId(), ctx.principal().name()), null)
 *             .thenApply(pos -> Json.object().put("n", n));
 * });
 * }</pre>
 * A complete, tested version: {@code io.hubbub.server.examples.DiceExample} (hubbub-server tests).
 */
public interface HubbubApi {

    /** Registers the handler of a client event type; throws if the type already has one. */
    void on(String type, EventHandler handler);

    /**
     * Lets room-scoped credentials (room tokens) send {@code type}, which they may not by default: the
     * payload's {@code room} field, when present, must name a room in the token's scope (an event without
     * one acts on the connection itself, e.g. a heartbeat). For events that act inside one room only.
     */
    void allowRoomTokens(String type);

    /**
     * Replaces the handler of an already registered event type by {@code wrapper.apply(existing)}, for
     * a feature that extends an event by its payload (e.g. {@code typing:start} with a {@code chatId}
     * handled by the chat feature, anything else passed on to the existing handler).
     *
     * @throws IllegalStateException if {@code type} has no handler
     */
    void wrap(String type, java.util.function.UnaryOperator<EventHandler> wrapper);

    void onConnect(ConnectHook hook);

    void onJoin(JoinHook hook);

    void onPublish(PublishHook hook);

    void onTopicSubscribe(TopicHook hook);

    void addRoomListener(RoomListener listener);

    /**
     * Restricts whose presence clients may query or watch ({@code presence:query},
     * {@code presence:subscribe}); see {@link PresenceAuthorizer}. Default: anyone may see anyone.
     * Server code calling {@link #presence()} directly is not restricted.
     */
    void authorizePresence(PresenceAuthorizer authorizer);

    /** Called on the session's executor after a session closed and left its rooms. */
    void onDisconnect(Consumer<Session> listener);

    RoomService rooms();

    /**
     * Room state shared by every node (key-value with {@code state:changed} events, and rankings), and
     * who may change it from a client. {@code rooms().state(roomId)} is the same per-room handle.
     */
    RoomStateService roomState();

    MessagingService messaging();

    PresenceService presence();

    /** Executor for blocking work (virtual threads). */
    Executor blocking();

    /** Open connections on this node (for operations pages). */
    int connectionCount();

    /** Distinct users connected to this node. */
    int userCount();

    /** The sessions open on this node (a live view: read-only use, e.g. counting topic subscriptions). */
    Iterable<Session> sessions();
}
