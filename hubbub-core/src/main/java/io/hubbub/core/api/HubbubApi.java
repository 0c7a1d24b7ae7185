package io.hubbub.core.api;

import io.hubbub.core.messaging.MessagingService;
import io.hubbub.core.presence.PresenceService;
import io.hubbub.core.room.RoomService;
import io.hubbub.core.session.Session;

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
 *     String room = Json.id(ctx.payload(), "room");
 *     return api.messaging().publishToRoom(room, "dice:rolled", Json.object().put("n", n), ctx.session())
 *               .thenApply(pos -> Json.object().put("n", n));
 * });
 * }</pre>
 */
public interface HubbubApi {

    /** Registers the handler of a client event type; throws if the type already has one. */
    void on(String type, EventHandler handler);

    void onConnect(ConnectHook hook);

    void onJoin(JoinHook hook);

    void onPublish(PublishHook hook);

    void onTopicSubscribe(TopicHook hook);

    void addRoomListener(RoomListener listener);

    /** Called on the session's executor after a session closed and left its rooms. */
    void onDisconnect(Consumer<Session> listener);

    RoomService rooms();

    MessagingService messaging();

    PresenceService presence();

    /** Executor for blocking work (virtual threads). */
    Executor blocking();
}
