package io.hubbub.core.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.engine.RoomStateStore;
import io.hubbub.core.messaging.MessagingService;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.room.Room;
import io.hubbub.core.session.Session;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Room state on top of the engine's {@link RoomStateStore}: values are JSON (stored as text), every
 * change of the key-value state is announced to the room's members as {@code state:changed}
 * ({@code {room, key, value, by}}, value null when deleted; not recorded in history — a member that
 * was away re-reads with {@code state:get}). Sorted sets (rankings) are for server code only and
 * announce nothing.
 *
 * <p>Who may change a room's state from a client is decided by the {@link WritePolicy} (default: the
 * room's host or an admin). Server code writes through {@link #of} without checks.
 *
 * <p>Threading: any thread; futures complete on engine threads.
 */
public final class RoomStateService {
    /** Decides whether a client may change a key of a room's state. Called on the session's executor. */
    @FunctionalInterface
    public interface WritePolicy {
        boolean mayWrite(Session session, Room room, String key);

        /** The default: the room's host or an admin. */
        WritePolicy HOST_OR_ADMIN = (s, room, key) -> s.principal().isAdmin() || s.userId().equals(room.hostId());
        /** Every member of the room. */
        WritePolicy MEMBERS = (s, room, key) -> true;
    }

    private final RoomStateStore store;
    private final MessagingService messaging;
    private volatile WritePolicy policy = WritePolicy.HOST_OR_ADMIN;

    public RoomStateService(RoomStateStore store, MessagingService messaging) {
        this.store = store;
        this.messaging = messaging;
    }

    public WritePolicy writePolicy() {
        return policy;
    }

    /** Replaces who may write from a client (e.g. {@link WritePolicy#MEMBERS}, or per key). */
    public void writePolicy(WritePolicy p) {
        this.policy = java.util.Objects.requireNonNull(p, "policy");
    }

    public RoomStateStore.Limits limits() {
        return store.limits();
    }

    /** The state of one room, for server code (no permission checks). */
    public Handle of(String roomId) {
        return new Handle(roomId);
    }

    /** Removes all state of a room (the room ended). */
    public CompletableFuture<Void> clear(String roomId) {
        return store.clear(roomId);
    }

    private static JsonNode decode(String v) {
        try {
            return Json.MAPPER.readTree(v);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("bad state value", e);
        }
    }

    /** One room's state. Values are any JSON; {@code by} is the user shown in {@code state:changed}. */
    public final class Handle {
        private final String roomId;

        private Handle(String roomId) {
            this.roomId = roomId;
        }

        public String roomId() {
            return roomId;
        }

        public CompletableFuture<Optional<JsonNode>> get(String key) {
            return store.get(roomId, key).thenApply(o -> o.map(RoomStateService::decode));
        }

        /** All keys and values as one object. */
        public CompletableFuture<ObjectNode> entries() {
            return store.entries(roomId).thenApply(m -> {
                ObjectNode o = Json.object();
                m.forEach((k, v) -> o.set(k, decode(v)));
                return o;
            });
        }

        /** Sets a key and announces it; {@code by} may be null (shown as the server). */
        public CompletableFuture<Void> set(String key, JsonNode value, ObjectNode by) {
            if (value == null || value.isMissingNode()) return CompletableFuture.failedFuture(HubbubException.badRequest("value is required"));
            return store.put(roomId, key, value.toString()).thenCompose(v -> announce(key, value, by));
        }

        /**
         * Sets a key without announcing it: server-side bookkeeping (e.g. positions a feature restores
         * after a fail-over) that clients must not receive as {@code state:changed}. Same limits as {@link #set}.
         */
        public CompletableFuture<Void> put(String key, JsonNode value) {
            if (value == null || value.isMissingNode()) return CompletableFuture.failedFuture(HubbubException.badRequest("value is required"));
            return store.put(roomId, key, value.toString());
        }

        /** Deletes a key without announcing it; completes with whether it existed. */
        public CompletableFuture<Boolean> remove(String key) {
            return store.delete(roomId, key);
        }

        /** Deletes a key and announces it when it existed; completes with whether it existed. */
        public CompletableFuture<Boolean> delete(String key, ObjectNode by) {
            return store.delete(roomId, key).thenCompose(existed -> existed
                    ? announce(key, null, by).thenApply(v -> true)
                    : CompletableFuture.completedFuture(false));
        }

        public CompletableFuture<Double> incrementScore(String set, String member, double by) {
            return store.incrementScore(roomId, set, member, by);
        }

        public CompletableFuture<List<RoomStateStore.Score>> top(String set, int n) {
            return store.top(roomId, set, n);
        }

        public CompletableFuture<Optional<RoomStateStore.Score>> rank(String set, String member) {
            return store.rank(roomId, set, member);
        }

        private CompletableFuture<Void> announce(String key, JsonNode value, ObjectNode by) {
            ObjectNode p = Json.object().put("room", roomId).put("key", key);
            p.set("value", value == null ? Json.NODES.nullNode() : value);
            p.set("by", by == null ? MessagingService.SERVER : by);
            return messaging.roomEvent(roomId, "state:changed", p).thenApply(pos -> null);
        }
    }
}
