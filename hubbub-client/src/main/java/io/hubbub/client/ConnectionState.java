package io.hubbub.client;

/**
 * Lifecycle of a {@link HubbubClient}. Transitions are reported to
 * {@link HubbubClient#onState} listeners in the order they happen:
 * {@code NEW → CONNECTING → CONNECTED ⇄ RECONNECTING → CLOSED}. {@code CLOSED} is terminal.
 */
public enum ConnectionState {
    /** Built, {@link HubbubClient#connect()} not called yet. */
    NEW,
    /** First connection attempt in progress (handshake, authentication, waiting for {@code session:welcome}). */
    CONNECTING,
    /** Authenticated and, after a reconnect, rooms and topics recovered. */
    CONNECTED,
    /** The connection dropped; waiting for the backoff delay or a reconnect attempt is in progress. */
    RECONNECTING,
    /** Closed by {@link HubbubClient#close()}, by a do-not-reconnect close code, or after the first connect failed. */
    CLOSED
}
