package io.hubbub.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The {@code session:welcome} payload: who the server says we are and the session parameters.
 * {@code raw} is the whole payload for fields not modelled here.
 */
public record Welcome(String sessionId, String resumeToken, String userId, String userName, String role,
                      String node, int protocol, long heartbeatIntervalMs, long heartbeatTimeoutMs,
                      int maxFrameBytes, JsonNode raw) {

    static Welcome fromJson(JsonNode p) {
        JsonNode user = p.path("user");
        JsonNode hb = p.path("heartbeat");
        return new Welcome(
                text(p, "sessionId"), text(p, "resumeToken"),
                text(user, "id"), text(user, "name"), text(user, "role"),
                text(p, "node"), p.path("protocol").asInt(1),
                hb.path("intervalMs").asLong(25_000), hb.path("timeoutMs").asLong(60_000),
                p.path("limits").path("maxFrameBytes").asInt(65_536), p);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
