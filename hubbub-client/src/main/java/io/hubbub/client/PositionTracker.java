package io.hubbub.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the client must present after a reconnect: the rooms it is in with the latest position seen
 * in each (from {@code message:new} pushes and join/create/resume replies) and the room-scoped token
 * it joined with, and the topics it is subscribed to with their latest {@code topic:message} position.
 *
 * <p>Rooms and topics enter only through a successful join/create/subscribe/resume reply and leave
 * through a leave/unsubscribe reply or {@code room:closed}; pushes only advance positions of rooms
 * already tracked, so a late push cannot resurrect a room that was left. Positions never move back
 * within an epoch. Fed from the receive path in receive order; readable from any thread (synchronized).
 */
final class PositionTracker {

    private static final class Entry {
        Position position;
        String joinToken;
    }

    private final Map<String, Entry> rooms = new LinkedHashMap<>();
    private final Map<String, Position> topics = new LinkedHashMap<>();

    /** A push from the server. */
    synchronized void onPush(String type, JsonNode p) {
        switch (type) {
            case "message:new" -> {
                Entry e = rooms.get(p.path("room").asText(null));
                if (e != null) {
                    e.position = Position.latest(e.position, Position.fromJson(p));
                }
            }
            case "topic:message" -> {
                String topic = p.path("topic").asText(null);
                if (topic != null && topics.containsKey(topic)) {
                    topics.put(topic, Position.latest(topics.get(topic), Position.fromJson(p)));
                }
            }
            case "room:closed" -> rooms.remove(p.path("room").asText(""));
            default -> {
            }
        }
    }

    /** A successful reply to a request of {@code type} whose payload was {@code request}. */
    synchronized void onReply(String type, JsonNode request, JsonNode reply) {
        switch (type) {
            case "room:join" -> {
                String room = request.path("room").asText(null);
                if (room != null) {
                    Entry e = rooms.computeIfAbsent(room, r -> new Entry());
                    e.position = Position.latest(e.position, Position.fromJson(reply.get("position")));
                    String token = request.path("token").asText(null);
                    if (token != null) {
                        e.joinToken = token;
                    }
                }
            }
            case "room:create" -> {
                String room = createdRoomId(request, reply);
                if (room != null) {
                    Entry e = rooms.computeIfAbsent(room, r -> new Entry());
                    e.position = Position.latest(e.position, Position.fromJson(reply.get("position")));
                }
            }
            case "room:leave" -> rooms.remove(request.path("room").asText(""));
            case "topic:subscribe" -> {
                String topic = request.path("topic").asText(null);
                if (topic != null) {
                    topics.put(topic, Position.latest(topics.get(topic), Position.fromJson(reply.get("position"))));
                }
            }
            case "topic:unsubscribe" -> topics.remove(request.path("topic").asText(""));
            case "session:resume" -> {
                if (reply.path("resumed").asBoolean(false)) {
                    reply.path("rooms").properties().forEach(f -> {
                        Entry e = rooms.computeIfAbsent(f.getKey(), r -> new Entry());
                        e.position = Position.latest(e.position, Position.fromJson(f.getValue().get("position")));
                    });
                    reply.path("topics").forEach(t -> topics.putIfAbsent(t.asText(), null));
                }
            }
            default -> {
            }
        }
    }

    /** The room id of a {@code room:create} reply: a Room object under {@code room}, or Room fields at the top level. */
    private static String createdRoomId(JsonNode request, JsonNode reply) {
        JsonNode room = reply.get("room");
        if (room != null && room.isObject() && room.hasNonNull("id")) {
            return room.get("id").asText();
        }
        if (reply.hasNonNull("id")) {
            return reply.get("id").asText();
        }
        if (room != null && room.isTextual()) {
            return room.asText();
        }
        return request.path("room").asText(null);
    }

    synchronized void forgetRoom(String room) {
        rooms.remove(room);
    }

    synchronized void forgetTopic(String topic) {
        topics.remove(topic);
    }

    synchronized Set<String> rooms() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(rooms.keySet()));
    }

    synchronized Set<String> topics() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(topics.keySet()));
    }

    /** Rooms that have a known position (rooms joined without one are left out). */
    synchronized Map<String, Position> roomPositions() {
        Map<String, Position> out = new LinkedHashMap<>();
        rooms.forEach((room, e) -> {
            if (e.position != null) {
                out.put(room, e.position);
            }
        });
        return Collections.unmodifiableMap(out);
    }

    synchronized Position roomPosition(String room) {
        Entry e = rooms.get(room);
        return e == null ? null : e.position;
    }

    synchronized String joinToken(String room) {
        Entry e = rooms.get(room);
        return e == null ? null : e.joinToken;
    }

    synchronized Position topicPosition(String topic) {
        return topics.get(topic);
    }
}
