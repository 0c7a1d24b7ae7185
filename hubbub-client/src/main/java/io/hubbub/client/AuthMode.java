package io.hubbub.client;

/** How the token reaches the server. */
public enum AuthMode {
    /** {@code Authorization: Bearer <token>} at the WebSocket handshake (default). */
    HEADER,
    /** {@code ?token=<token>} in the handshake URI, as browsers do. */
    QUERY,
    /** An {@code auth} request right after the WebSocket opens. */
    FRAME
}
