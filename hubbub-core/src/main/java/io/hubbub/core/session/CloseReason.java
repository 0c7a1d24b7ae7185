package io.hubbub.core.session;

/**
 * Why the server closes a connection. Codes are WebSocket close codes (4000–4999 are ours) and are
 * documented in docs/PROTOCOL.md. {@code reconnect} tells the client whether reconnecting makes sense.
 */
public record CloseReason(int code, String reason, boolean reconnect) {
    public static final CloseReason NORMAL = new CloseReason(1000, "normal", false);
    public static final CloseReason SHUTDOWN = new CloseReason(1001, "server shutting down", true);
    public static final CloseReason PROTOCOL_ERROR = new CloseReason(1002, "protocol error", false);
    public static final CloseReason UNSUPPORTED_DATA = new CloseReason(1003, "binary frames are not supported", false);
    public static final CloseReason INVALID_DATA = new CloseReason(1007, "invalid UTF-8 in a text frame", false);
    public static final CloseReason TOO_BIG = new CloseReason(1009, "frame too large", false);
    public static final CloseReason AUTH_TIMEOUT = new CloseReason(4001, "authentication timeout", false);
    public static final CloseReason UNAUTHORIZED = new CloseReason(4003, "unauthorized", false);
    public static final CloseReason SLOW_CONSUMER = new CloseReason(4008, "slow consumer: outbound buffer full", true);
    public static final CloseReason HEARTBEAT_TIMEOUT = new CloseReason(4009, "heartbeat timeout", true);
    public static final CloseReason FLOOD = new CloseReason(4029, "too many frames", true);
    public static final CloseReason KICKED = new CloseReason(4010, "disconnected by an administrator", false);
    /** A new connection resumed this session (e.g. after a network change left this one half-open). */
    public static final CloseReason REPLACED = new CloseReason(4011, "session resumed by another connection", false);
    public static final CloseReason OVERLOADED = new CloseReason(4503, "server overloaded", true);
}
