package io.hubbub.client;

/**
 * Told, after every reconnect, for each room the client was in, whether the missed messages were
 * recovered ({@code true}: they were delivered as ordinary {@code message:new} pushes before this
 * call) or not ({@code false}: reload the room's state, e.g. with {@code room:history}; this is also
 * reported for a room that could not be re-joined, which the client then forgets).
 */
@FunctionalInterface
public interface RecoveryListener {
    void onRecovery(String room, boolean recovered);
}
