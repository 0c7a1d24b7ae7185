package io.hubbub.server.transport.engineio;

/**
 * The HTTP errors of the Engine.IO reference server, answered as
 * {@code {"code":N,"message":"..."}} with the status below. Codes and messages are part of the
 * wire contract that clients and the official test suite check.
 */
public enum EngineIoError {
    UNKNOWN_TRANSPORT(0, "Transport unknown", 400),
    UNKNOWN_SID(1, "Session ID unknown", 400),
    BAD_HANDSHAKE_METHOD(2, "Bad handshake method", 400),
    BAD_REQUEST(3, "Bad request", 400),
    FORBIDDEN(4, "Forbidden", 403),
    UNSUPPORTED_PROTOCOL_VERSION(5, "Unsupported protocol version", 400),
    /** Not in the reference server: the session registry is full. */
    SERVER_FULL(3, "Bad request", 503),
    /** Body larger than maxPayload. */
    PAYLOAD_TOO_LARGE(3, "Bad request", 413);

    private final int code;
    private final String message;
    private final int status;

    EngineIoError(int code, String message, int status) {
        this.code = code;
        this.message = message;
        this.status = status;
    }

    public int code() {
        return code;
    }

    public String message() {
        return message;
    }

    public int status() {
        return status;
    }

    public String json() {
        return "{\"code\":" + code + ",\"message\":\"" + message + "\"}";
    }
}
