package io.hubbub.client;

/**
 * One WebSocket connection ended. {@code code} is the close code (1006 when the connection broke
 * without a close frame, or a handshake that failed); {@code reconnecting} says whether the client
 * will try again. {@code byClient} is true for {@link HubbubClient#close()}.
 */
public record CloseEvent(int code, String reason, boolean reconnecting, boolean byClient) {
}
