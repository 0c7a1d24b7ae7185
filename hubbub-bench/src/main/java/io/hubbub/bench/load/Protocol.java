package io.hubbub.bench.load;

/**
 * The wire protocols the load generator speaks. NATIVE is Hubbub's JSON envelope (also spoken, for
 * the events the scenarios use, by the ws peer and the floor server); SOCKETIO is Socket.IO v5 over
 * Engine.IO v4 with the WebSocket transport only (Hubbub's /socket.io/ endpoint and the socket.io peer).
 */
public enum Protocol {
    NATIVE("/ws"),
    SOCKETIO("/socket.io/"),
    /** The PeerJS server's WebSocket ({@code npm peer}): id, token and key in the query; OPEN when registered. */
    PEERJS("/peerjs");

    private final String path;

    Protocol(String path) {
        this.path = path;
    }

    /**
     * Request path and query of the WebSocket upgrade for a user with an optional token. Socket.IO
     * clients carry both in the CONNECT auth payload instead, as real clients do (a token in the URL
     * would also stay in the server's copy of the handshake query for the connection's lifetime).
     */
    public String requestUri(String user, String token) {
        return switch (this) {
            case NATIVE -> path + "?v=1" + (token == null ? "" : "&token=" + token) + "&user=" + user;
            case SOCKETIO -> path + "?EIO=4&transport=websocket";
            case PEERJS -> path + "?key=peerjs&id=" + user + "&token=" + (token == null ? "t" + user : token);
        };
    }

    /** A request with an answer (reply / ack) under {@code id}. {@code payloadJson} is a JSON object. */
    public String request(String event, int id, String payloadJson) {
        return switch (this) {
            case NATIVE -> "{\"type\":\"" + event + "\",\"id\":" + id + ",\"payload\":" + payloadJson + "}";
            case SOCKETIO -> "42" + id + "[\"" + event + "\"," + payloadJson + "]";
            case PEERJS -> throw new UnsupportedOperationException("PeerJS has no requests with answers");
        };
    }

    /** A fire-and-forget event (no id, no answer on success). */
    public String event(String event, String payloadJson) {
        return switch (this) {
            case NATIVE -> "{\"type\":\"" + event + "\",\"payload\":" + payloadJson + "}";
            case SOCKETIO -> "42[\"" + event + "\"," + payloadJson + "]";
            case PEERJS -> "{\"type\":\"" + event + "\",\"payload\":" + payloadJson + "}";
        };
    }
}
