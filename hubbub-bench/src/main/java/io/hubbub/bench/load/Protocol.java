package io.hubbub.bench.load;

/**
 * The wire protocols the load generator speaks. NATIVE is Hubbub's JSON envelope (also spoken, for
 * the events the scenarios use, by the ws peer and the floor server); SOCKETIO is Socket.IO v5 over
 * Engine.IO v4 with the WebSocket transport only (Hubbub's /socket.io/ endpoint and the socket.io peer).
 */
public enum Protocol {
    NATIVE("/ws"),
    SOCKETIO("/socket.io/");

    private final String path;

    Protocol(String path) {
        this.path = path;
    }

    /** Request path and query of the WebSocket upgrade for a user with an optional token. */
    public String requestUri(String user, String token) {
        String auth = (token == null ? "" : "&token=" + token) + "&user=" + user;
        return switch (this) {
            case NATIVE -> path + "?v=1" + auth;
            case SOCKETIO -> path + "?EIO=4&transport=websocket" + auth;
        };
    }

    /** A request with an answer (reply / ack) under {@code id}. {@code payloadJson} is a JSON object. */
    public String request(String event, int id, String payloadJson) {
        return switch (this) {
            case NATIVE -> "{\"type\":\"" + event + "\",\"id\":" + id + ",\"payload\":" + payloadJson + "}";
            case SOCKETIO -> "42" + id + "[\"" + event + "\"," + payloadJson + "]";
        };
    }

    /** A fire-and-forget event (no id, no answer on success). */
    public String event(String event, String payloadJson) {
        return switch (this) {
            case NATIVE -> "{\"type\":\"" + event + "\",\"payload\":" + payloadJson + "}";
            case SOCKETIO -> "42[\"" + event + "\"," + payloadJson + "]";
        };
    }
}
