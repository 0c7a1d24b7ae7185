package io.hubbub.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * What a reconnected client does before it reports CONNECTED: {@code session:resume} with its last
 * positions, then re-joins (from its position) the rooms and re-subscribes the topics the resume did not
 * restore. A room the server refuses is forgotten (except {@code conflict}: already in it); connection
 * trouble leaves everything for the next reconnect. Each room's outcome is reported once.
 */
final class Resumer {
    private static final Logger log = LoggerFactory.getLogger(HubbubClient.class);

    private final PositionTracker tracker;
    private final BiFunction<String, ObjectNode, CompletableFuture<JsonNode>> requests;
    private final BiConsumer<String, Boolean> recoveries;

    /**
     * @param requests   sends a request on the new connection and completes with its reply
     * @param recoveries told (room, recovered) for every room
     */
    Resumer(PositionTracker tracker, Requests requests, BiConsumer<String, Boolean> recoveries) {
        this.tracker = tracker;
        this.requests = requests::send;
        this.recoveries = recoveries;
    }

    /** Sends a request on one connection. */
    @FunctionalInterface
    interface Requests {
        CompletableFuture<JsonNode> send(String type, ObjectNode payload);
    }

    CompletableFuture<Void> recover(String previousToken) {
        Set<String> rooms = tracker.rooms();
        Set<String> topics = tracker.topics();
        if (rooms.isEmpty() && topics.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<JsonNode> resume = previousToken == null ? CompletableFuture.completedFuture(null)
                : requests.apply("session:resume", Recovery.resumeRequest(previousToken, tracker.roomPositions()));
        return resume.handle((reply, err) -> {
            if (err != null) {
                HubbubClientException e = HubbubClient.unwrap(err);
                if (!e.fromServer()) {
                    return CompletableFuture.<Void>completedFuture(null); // connection trouble: the next reconnect retries
                }
                log.warn("session:resume refused ({}); re-joining rooms", e.getMessage());
                reply = null;
            }
            Recovery.Plan plan = Recovery.plan(rooms, topics, reply);
            plan.resumed().forEach(recoveries::accept);
            List<CompletableFuture<Void>> all = new ArrayList<>();
            plan.rejoin().forEach(room -> all.add(rejoin(room)));
            plan.resubscribe().forEach(topic -> all.add(resubscribe(topic)));
            return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
        }).thenCompose(f -> f);
    }

    private CompletableFuture<Void> rejoin(String room) {
        ObjectNode req = Recovery.joinRequest(room, tracker.roomPosition(room), tracker.joinToken(room));
        return requests.apply("room:join", req).handle((reply, err) -> {
            if (err == null) {
                recoveries.accept(room, reply.path("recovered").asBoolean(false));
                return null;
            }
            HubbubClientException e = HubbubClient.unwrap(err);
            if (e.fromServer()) {
                if (!"conflict".equals(e.code())) { // conflict: already in it, keep it
                    tracker.forgetRoom(room);
                }
                log.warn("re-joining room {} after reconnect failed: {}", room, e.getMessage());
                recoveries.accept(room, false);
            }
            return null;
        });
    }

    private CompletableFuture<Void> resubscribe(String topic) {
        ObjectNode req = Recovery.subscribeRequest(topic, tracker.topicPosition(topic));
        return requests.apply("topic:subscribe", req).handle((reply, err) -> {
            if (err != null && HubbubClient.unwrap(err).fromServer()) {
                tracker.forgetTopic(topic);
                log.warn("re-subscribing topic {} after reconnect failed: {}", topic, HubbubClient.unwrap(err).getMessage());
            }
            return null;
        });
    }
}
