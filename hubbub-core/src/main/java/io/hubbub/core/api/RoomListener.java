package io.hubbub.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.room.Room;
import io.hubbub.core.session.Session;

/**
 * Room lifecycle notifications. Called after the fact on whichever thread made the change; listeners
 * must be quick and must not block (hand blocking work to {@link HubbubApi#blocking()}).
 */
public interface RoomListener {
    default void onCreated(Room room) {}

    default void onClosed(Room room, String reason) {}

    default void onJoined(Room room, Session session) {}

    default void onLeft(Room room, Session session) {}

    /**
     * A publication to the room from any node — messages, {@code room:updated}, {@code room:host}, or a
     * feature's own event through {@code MessagingService.roomEvent} (not {@code room:closed}: see
     * {@link #onClosed}) — heard on every node that has the room, after the core applied it; on the
     * broker's delivery thread, so only quick work. Lets a feature keep per-room server state in step
     * across the cluster.
     */
    default void onEvent(Room room, String event, JsonNode data) {}
}
