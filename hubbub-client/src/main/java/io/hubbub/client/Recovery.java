package io.hubbub.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pure decisions of recovery after a reconnect (PROTOCOL.md, "Ordering, delivery and recovery"):
 * what {@code session:resume} carries, and what must still be re-joined once its reply is known.
 */
final class Recovery {
    private Recovery() {
    }

    /** {@code {"token":…, "rooms":{room:{epoch,offset}}}}; rooms without a known position are not listed. */
    static ObjectNode resumeRequest(String resumeToken, Map<String, Position> positions) {
        ObjectNode req = JsonNodeFactory.instance.objectNode();
        req.put("token", resumeToken);
        ObjectNode rooms = req.putObject("rooms");
        positions.forEach((room, pos) -> rooms.set(room, pos.toJson()));
        return req;
    }

    /** {@code room:join} with {@code since} and the remembered room token when there are any. */
    static ObjectNode joinRequest(String room, Position since, String token) {
        ObjectNode req = JsonNodeFactory.instance.objectNode();
        req.put("room", room);
        if (since != null) {
            req.set("since", since.toJson());
        }
        if (token != null) {
            req.put("token", token);
        }
        return req;
    }

    static ObjectNode subscribeRequest(String topic, Position since) {
        ObjectNode req = JsonNodeFactory.instance.objectNode();
        req.put("topic", topic);
        if (since != null) {
            req.set("since", since.toJson());
        }
        return req;
    }

    /**
     * What to do after a {@code session:resume} reply.
     *
     * @param resumed   per room the server re-joined: whether it recovered the missed messages
     * @param rejoin    rooms the client was in that the server did not re-join
     * @param resubscribe topics the client had that the server did not re-subscribe
     */
    record Plan(Map<String, Boolean> resumed, List<String> rejoin, List<String> resubscribe) {
    }

    static Plan plan(Collection<String> rooms, Collection<String> topics, JsonNode reply) {
        if (reply == null || !reply.path("resumed").asBoolean(false)) {
            return new Plan(Map.of(), List.copyOf(rooms), List.copyOf(topics));
        }
        Map<String, Boolean> resumed = new LinkedHashMap<>();
        reply.path("rooms").properties().forEach(f ->
                resumed.put(f.getKey(), f.getValue().path("recovered").asBoolean(false)));
        List<String> rejoin = new ArrayList<>();
        for (String room : rooms) {
            if (!resumed.containsKey(room)) {
                rejoin.add(room);
            }
        }
        Set<String> serverTopics = new HashSet<>();
        reply.path("topics").forEach(t -> serverTopics.add(t.asText()));
        List<String> resubscribe = new ArrayList<>();
        for (String topic : topics) {
            if (!serverTopics.contains(topic)) {
                resubscribe.add(topic);
            }
        }
        return new Plan(resumed, rejoin, resubscribe);
    }
}
