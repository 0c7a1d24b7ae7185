package io.hubbub.core.auth;

import io.hubbub.core.protocol.HubbubException;

/**
 * Verifies a bearer token presented at the WebSocket handshake, in an {@code auth} frame, in the
 * Socket.IO CONNECT auth payload or on the HTTP API. Implementations are CPU-only (signature checks)
 * and safe to call on an event loop; anything blocking must not be done here.
 */
public interface TokenVerifier {
    /** @throws HubbubException with {@code unauthorized} if the token is invalid, expired or of a wrong algorithm */
    Principal verify(String token);
}
