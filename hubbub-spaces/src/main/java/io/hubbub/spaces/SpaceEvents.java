package io.hubbub.spaces;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.api.HubbubApi;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.protocol.Payloads;
import io.hubbub.core.session.Session;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The {@code space:*} client events (native protocol, Socket.IO and, through {@link SeedAdapter}, the
 * seed's frames). Identity is the connection's; a {@code spaceId} in a payload only has to match the
 * space the connection joined.
 */
final class SpaceEvents {
    static final String ID = "[A-Za-z0-9_-]{1,40}";

    /** {@code compact}: this connection's {@code space:moves} frames in the compact form ({@link MovesFrame}). */
    record Join(@NotNull @Pattern(regexp = ID) String spaceId, Boolean compact) {}

    record Leave(@Pattern(regexp = ID) String spaceId) {}

    record Move(@Pattern(regexp = ID) String spaceId, @NotNull Integer x, @NotNull Integer y) {}

    record Chat(@Pattern(regexp = ID) String spaceId, @NotNull @Size(min = 1, max = 2000) String message) {}

    record History(@NotNull @Pattern(regexp = ID) String spaceId, @Min(0) Long before, @Min(1) @Max(100) Integer limit) {}

    record Signal(@Pattern(regexp = ID) String spaceId, @NotNull @Size(min = 1, max = 64) String to, @NotNull JsonNode data) {}

    private SpaceEvents() {}

    static void register(HubbubApi api, SpaceRuntime runtime, SpaceStore store, SpacesSettings cfg, Executor blocking) {
        api.on("space:join", c -> {
            Join j = Payloads.bind(c.payload(), Join.class);
            return runtime.join(c.session(), j.spaceId(), Boolean.TRUE.equals(j.compact()));
        });
        api.on("space:leave", c -> runtime.leave(c.session(), Payloads.bind(c.payload(), Leave.class).spaceId())
                .thenApply(v -> (JsonNode) Json.object()));
        api.on("space:move", c -> {
            Move m = move(c.payload());
            LiveSpace.MoveResult r = runtime.of(c.session(), m.spaceId()).move(c.session(), m.x(), m.y());
            ObjectNode reply = Json.object().put("accepted", r.verdict() == MoveRules.Verdict.OK).put("x", r.x()).put("y", r.y());
            if (r.verdict() != MoveRules.Verdict.OK) reply.put("reason", r.verdict().name().toLowerCase(java.util.Locale.ROOT));
            return CompletableFuture.completedFuture(reply);
        });
        api.on("space:chat", c -> {
            Chat m = Payloads.bind(c.payload(), Chat.class);
            if (m.message().isBlank() || m.message().length() > cfg.maxMessageLength())
                throw HubbubException.badRequest("field 'message' must be 1 to " + cfg.maxMessageLength() + " characters");
            Session s = c.session();
            LiveSpace ls = runtime.of(s, m.spaceId());
            SpaceStore.ChatLine line = new SpaceStore.ChatLine(SpaceStore.newId(), s.userId(), s.principal().name(), m.message(), runtime.now());
            CompletableFuture<Void> kept = ls.space.persistentChat()
                    ? CompletableFuture.runAsync(() -> store.addMessage(ls.id(), line), blocking)
                    : CompletableFuture.completedFuture(null);
            return kept.thenApply(v -> {
                ls.chat(line);
                return (JsonNode) Json.object().put("id", line.id()).put("ts", line.ts());
            });
        });
        api.on("space:history", c -> {
            History h = Payloads.bind(c.payload(), History.class);
            LiveSpace ls = runtime.of(c.session(), h.spaceId());
            int limit = h.limit() == null ? 50 : h.limit();
            if (!ls.space.persistentChat())
                return CompletableFuture.completedFuture(history(false, java.util.List.of()));
            return CompletableFuture.supplyAsync(() -> history(true, store.messages(ls.id(), h.before(), limit)), blocking);
        });
        api.on("space:signal", c -> {
            Signal m = Payloads.bind(c.payload(), Signal.class);
            if (m.data().toString().length() > 16_384) throw HubbubException.badRequest("field 'data' is over 16384 characters");
            if (!runtime.of(c.session(), m.spaceId()).signal(c.session(), m.to(), m.data()))
                throw HubbubException.forbidden("'" + m.to() + "' is not in your proximity group");
            return CompletableFuture.completedFuture(Json.object());
        });
        api.onDisconnect(runtime::disconnected);
    }

    private static final java.util.regex.Pattern ID_PATTERN = java.util.regex.Pattern.compile(ID);

    /**
     * The hot path's binding of {@code space:move}: a well-formed payload ({@code x}, {@code y} ints,
     * an optional valid {@code spaceId}, nothing else) is read directly; anything else goes through
     * {@link Payloads#bind}, so every refusal is the same {@code bad_request} as for other events.
     */
    static Move move(JsonNode p) {
        if (p != null && p.isObject()) {
            JsonNode x = p.get("x"), y = p.get("y"), sp = p.get("spaceId");
            int fields = 2 + (sp == null ? 0 : 1);
            if (x != null && y != null && x.isInt() && y.isInt() && p.size() == fields
                    && (sp == null || (sp.isTextual() && ID_PATTERN.matcher(sp.textValue()).matches())))
                return new Move(sp == null ? null : sp.textValue(), x.intValue(), y.intValue());
        }
        return Payloads.bind(p, Move.class);
    }

    static JsonNode history(boolean persistent, java.util.List<SpaceStore.ChatLine> lines) {
        ObjectNode o = Json.object().put("persistent", persistent);
        o.set("messages", Json.MAPPER.valueToTree(lines));
        return o;
    }
}
