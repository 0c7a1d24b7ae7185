package io.hubbub.chain.listen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One typed message (the seed's {@code TransactionUpdate}, {@code Notification}, {@code TokenCreated}, …)
 * and where it goes: a topic (every subscriber, on any node) or a user (all their connections).
 * Stored as JSON with the processed transaction so a new leader can publish what a dead one did not.
 */
public sealed interface Delivery {
    String type();

    ObjectNode data();

    record ToTopic(String topic, String type, ObjectNode data) implements Delivery {}

    /**
     * Publishes one processed transaction's messages, in order, without waiting: returns one future per
     * message; the row may be marked published once all completed ({@link #await}), else it stays
     * unemitted and is published again. The listener issues a whole batch's transactions this way and
     * then waits, instead of a broker round trip per message in turn: order per topic and per user is
     * kept because the broker keeps the order of publishes issued from one thread (memory: delivered
     * synchronously; Redis: one connection, commands run in the order sent). May be called again for the
     * same signature (a leader died between publishing and marking the row, or a publish failed): a
     * topic message is then published with the idempotency key {@link #idempotencyKey} so the broker
     * drops the repeat while the original is in the topic's history; a user push, which is not
     * recorded, may repeat (its {@code transaction_id} tells a client it has it). A failure can put the
     * failed message after later ones of its batch when it is published again.
     */
    @FunctionalInterface
    interface Publisher {
        List<CompletableFuture<?>> publish(String signature, List<Delivery> out);
    }

    /** Waits for a transaction's publishes (10 s in all); throws when one failed or did not complete. */
    static void await(List<CompletableFuture<?>> published) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (CompletableFuture<?> f : published) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("publish interrupted", e);
            } catch (Exception e) {
                throw new IllegalStateException("publish failed: " + e, e);
            }
        }
    }

    /**
     * The idempotency key of the {@code index}-th message of a transaction: the same on every leader, and
     * in a key space no client can write (client keys are {@code <len>:<user>:<id>}, which never starts with '#').
     */
    static String idempotencyKey(String signature, int index) {
        return "#chain:" + signature + ":" + index;
    }

    record ToUser(String userId, String type, ObjectNode data) implements Delivery {}

    static JsonNode toJson(List<Delivery> all) {
        var arr = Json.MAPPER.createArrayNode();
        for (Delivery d : all) {
            ObjectNode o = arr.addObject();
            switch (d) {
                case ToTopic t -> o.put("topic", t.topic());
                case ToUser u -> o.put("user", u.userId());
            }
            o.put("type", d.type()).set("data", d.data());
        }
        return arr;
    }

    static List<Delivery> fromJson(JsonNode arr) {
        List<Delivery> out = new ArrayList<>();
        for (JsonNode o : arr) {
            ObjectNode data = (ObjectNode) o.path("data");
            out.add(o.has("topic") ? new ToTopic(o.path("topic").asText(), o.path("type").asText(), data)
                    : new ToUser(o.path("user").asText(), o.path("type").asText(), data));
        }
        return out;
    }
}
