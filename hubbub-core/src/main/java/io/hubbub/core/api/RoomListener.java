package io.hubbub.core.api;

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
}
