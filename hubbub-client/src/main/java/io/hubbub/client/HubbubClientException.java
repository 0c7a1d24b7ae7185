package io.hubbub.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A failed request or connection. {@link #code()} is either one of the server's stable error codes
 * (see PROTOCOL.md: {@code bad_request}, {@code forbidden}, {@code not_found}, …; then
 * {@link #fromServer()} is true and {@link #details()} holds the error payload's {@code details}),
 * or one of the client-side codes below.
 */
public final class HubbubClientException extends RuntimeException {
    /** No answer within the request timeout. */
    public static final String TIMEOUT = "timeout";
    /** The connection closed while the request was in flight; it may or may not have been processed. */
    public static final String CONNECTION_CLOSED = "connection_closed";
    /** Not connected and authenticated right now (connecting, or reconnecting). */
    public static final String NOT_CONNECTED = "not_connected";
    /** {@link HubbubClient#close()} was called. */
    public static final String CLIENT_CLOSED = "client_closed";
    /** Too many requests awaiting an answer (see {@link HubbubClientBuilder#maxInFlight(int)}). */
    public static final String TOO_MANY_IN_FLIGHT = "too_many_in_flight";
    /** Too many frames waiting to be written (see {@link HubbubClientBuilder#maxQueuedSends(int)}). */
    public static final String SEND_QUEUE_FULL = "send_queue_full";
    /** Writing the frame to the socket failed. */
    public static final String SEND_FAILED = "send_failed";
    /** The WebSocket handshake was refused ({@link #httpStatus()}) or could not be made (status 0). */
    public static final String HANDSHAKE_FAILED = "handshake_failed";
    /** The token supplier failed. */
    public static final String TOKEN_UNAVAILABLE = "token_unavailable";

    private final String code;
    private final boolean fromServer;
    private final JsonNode details;
    private final int closeCode;
    private final int httpStatus;

    private HubbubClientException(String code, String message, boolean fromServer, JsonNode details,
                                  int closeCode, int httpStatus, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = code;
        this.fromServer = fromServer;
        this.details = details;
        this.closeCode = closeCode;
        this.httpStatus = httpStatus;
    }

    public HubbubClientException(String code, String message) {
        this(code, message, false, null, 0, 0, null);
    }

    public HubbubClientException(String code, String message, Throwable cause) {
        this(code, message, false, null, 0, 0, cause);
    }

    static HubbubClientException server(String code, String message, JsonNode details) {
        return new HubbubClientException(code, message, true, details, 0, 0, null);
    }

    static HubbubClientException closed(String code, int closeCode, String reason) {
        return new HubbubClientException(code, "connection closed with " + closeCode
                + (reason == null || reason.isEmpty() ? "" : " (" + reason + ")"), false, null, closeCode, 0, null);
    }

    static HubbubClientException handshake(int httpStatus, String message, Throwable cause) {
        return new HubbubClientException(HANDSHAKE_FAILED, message, false, null, 0, httpStatus, cause);
    }

    /** The stable error code: a server code when {@link #fromServer()}, else a client-side constant of this class. */
    public String code() {
        return code;
    }

    /** The message without the code prefix. */
    public String reason() {
        String m = getMessage();
        return m.substring(code.length() + 2);
    }

    /** True when this is the server's {@code error} answer. */
    public boolean fromServer() {
        return fromServer;
    }

    /** The server's {@code details} object (e.g. {@code url} for {@code moved}), or null. */
    public JsonNode details() {
        return details;
    }

    /** The WebSocket close code for {@link #CONNECTION_CLOSED}, else 0. */
    public int closeCode() {
        return closeCode;
    }

    /** The HTTP status for {@link #HANDSHAKE_FAILED} (0 when no response was received), else 0. */
    public int httpStatus() {
        return httpStatus;
    }
}
