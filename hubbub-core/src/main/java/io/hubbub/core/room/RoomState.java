package io.hubbub.core.room;

/** Lifecycle of a room. */
public enum RoomState {
    ACTIVE,
    /** No activity for the configured idle time; becomes active on the next message or join. */
    IDLE,
    /** Closed: members were told why and removed; no joins or messages are accepted. */
    CLOSED
}
