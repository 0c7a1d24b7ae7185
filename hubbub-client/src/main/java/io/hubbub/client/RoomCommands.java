package io.hubbub.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The native protocol's room, message and topic vocabulary (docs/PROTOCOL.md) on top of a client's
 * requests: what {@link HubbubClient} offers besides its connection lifecycle. Each method is one
 * request; its future completes with the reply payload or fails with {@link HubbubClientException}.
 */
public interface RoomCommands {

    /** Sends a request and completes with the {@code reply} payload. */
    CompletableFuture<JsonNode> request(String type, JsonNode payload);

    CompletableFuture<JsonNode> request(String type);

    /** Connects to another server from now on, resuming the session there (see {@link HubbubClient#moveTo}). */
    CompletableFuture<Void> moveTo(String url);

    /** The mapper payloads are built and converted with. */
    ObjectMapper objectMapper();

    default CompletableFuture<JsonNode> join(String room) {
        return join(room, JoinOptions.NONE);
    }

    /**
     * {@code room:join}; the room, its position and {@code options.token()} are remembered for reconnects.
     * A {@code moved} answer (a sticky room served by another cluster node) is followed: the client
     * reconnects to {@code details.url}, resumes its session there and joins again (at most
     * {@value HubbubClient#MAX_MOVES} times per join).
     */
    default CompletableFuture<JsonNode> join(String room, JoinOptions options) {
        Objects.requireNonNull(room, "room");
        JoinOptions o = options == null ? JoinOptions.NONE : options;
        return joinFollowing(room, o, HubbubClient.MAX_MOVES);
    }

    private CompletableFuture<JsonNode> joinFollowing(String room, JoinOptions o, int movesLeft) {
        return request("room:join", Recovery.joinRequest(room, o.since(), o.token())).exceptionallyCompose(err -> {
            HubbubClientException e = HubbubClient.unwrap(err);
            JsonNode url = e.details() == null ? null : e.details().get("url");
            if (!"moved".equals(e.code()) || movesLeft <= 0 || url == null || !url.isTextual()) {
                return CompletableFuture.failedFuture(e);
            }
            return moveTo(url.asText()).thenCompose(v -> joinFollowing(room, o, movesLeft - 1));
        });
    }

    default CompletableFuture<JsonNode> leave(String room) {
        return request("room:leave", objectMapper().createObjectNode().put("room", room));
    }

    /** {@code room:create} with the given fields (PROTOCOL.md); the creator is joined and the room tracked. */
    default CompletableFuture<JsonNode> createRoom(JsonNode spec) {
        return request("room:create", spec);
    }

    default CompletableFuture<JsonNode> createRoom(Map<String, ?> spec) {
        return request("room:create", objectMapper().valueToTree(spec));
    }

    /** {@code message:send}; {@code data} is any JSON value (a JsonNode, or an object Jackson can convert). */
    default CompletableFuture<JsonNode> publish(String room, Object data) {
        return publish(room, data, false);
    }

    default CompletableFuture<JsonNode> publish(String room, Object data, boolean excludeSelf) {
        ObjectNode p = objectMapper().createObjectNode().put("room", room);
        p.set("data", objectMapper().valueToTree(data));
        if (excludeSelf) {
            p.put("excludeSelf", true);
        }
        return request("message:send", p);
    }

    /** {@code message:direct} to every connection of {@code userId}. */
    default CompletableFuture<JsonNode> direct(String userId, Object data) {
        ObjectNode p = objectMapper().createObjectNode().put("to", userId);
        p.set("data", objectMapper().valueToTree(data));
        return request("message:direct", p);
    }

    default CompletableFuture<JsonNode> subscribeTopic(String topic) {
        return request("topic:subscribe", Recovery.subscribeRequest(topic, null));
    }

    default CompletableFuture<JsonNode> unsubscribeTopic(String topic) {
        return request("topic:unsubscribe", objectMapper().createObjectNode().put("topic", topic));
    }

    default CompletableFuture<JsonNode> ping() {
        return request("ping");
    }
}
