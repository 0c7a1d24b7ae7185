package io.hubbub.core.engine;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One connection's presence in a channel.
 *
 * @param sessionId connection id
 * @param userId    user id; presence is de-duplicated per user
 * @param name      display name
 * @param joinedAt  epoch millis
 * @param status    client-set status: active, idle, away
 * @param custom    small client-set fields (a JSON object), may be null
 */
public record ClientInfo(String sessionId, String userId, String name, long joinedAt, String status, JsonNode custom) {
    public ClientInfo withStatus(String status, JsonNode custom) {
        return new ClientInfo(sessionId, userId, name, joinedAt, status, custom);
    }
}
