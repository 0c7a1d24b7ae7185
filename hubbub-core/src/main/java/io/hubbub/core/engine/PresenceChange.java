package io.hubbub.core.engine;

/**
 * Result of adding or removing a connection's presence.
 *
 * @param userChanged true if the user's presence in the channel changed: on add, this was the user's
 *                    first connection there (send presence:join); on remove, it was the last (send presence:leave)
 * @param sessions    connections present in the channel after the change
 */
public record PresenceChange(boolean userChanged, int sessions) {}
