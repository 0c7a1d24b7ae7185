package io.hubbub.server.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.api.HubbubApi;
import io.hubbub.core.auth.Principal;
import io.hubbub.core.config.Checks;
import io.hubbub.core.config.Doc;
import io.hubbub.core.feature.Feature;
import io.hubbub.core.feature.FeatureContext;
import io.hubbub.core.feature.FeatureSettings;
import io.hubbub.core.feature.adapter.AdapterCodec;
import io.hubbub.core.feature.adapter.AdapterConnection;
import io.hubbub.core.feature.adapter.ProtocolAdapter;
import io.hubbub.core.feature.http.Access;
import io.hubbub.core.feature.http.RouteResult;
import io.hubbub.core.protocol.Envelope;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.protocol.Outbound;
import io.hubbub.core.protocol.Payloads;
import io.hubbub.core.room.Room;
import io.hubbub.core.room.RoomJson;
import io.hubbub.store.Database;
import io.micrometer.core.instrument.Counter;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The whole shape of a feature module in one file (docs/ARCHITECTURE.md, "Writing a feature"):
 * <ul>
 *   <li>a config section {@code features.dice} ({@link Settings});</li>
 *   <li>an event {@code dice:roll {room, sides?}} with a typed, validated payload ({@link Roll}): the sender
 *   must be in the room; members get {@code dice:rolled} (kept in history like a message); reply {@code {n, offset}};</li>
 *   <li>a table {@code dice_rolls} (migrations in {@code db/dice}), written off the event loop;</li>
 *   <li>a route {@code GET /api/dice/rolls}: the caller's own last rolls;</li>
 *   <li>a metric {@code hubbub_dice_rolls_total};</li>
 *   <li>an adapter on {@code /dice} for a tiny foreign format: {@code {"op":"join"|"roll","room"}} in,
 *   {@code {"op":"joined"|"rolled"|"error",…}} out;</li>
 *   <li>a publish hook refusing messages with a banned word ({@code forbidden}, nothing published).</li>
 * </ul>
 */
public final class DiceFeature implements Feature {

    public record Settings(
            @Doc("Serve dice:roll, GET /api/dice/rolls and the /dice adapter.") boolean enabled,
            @Doc("Sides of the die when a roll does not say (2..100).") int defaultSides,
            @Doc("A word that message:send may not contain (whole word, any case); empty for none.") String bannedWord)
            implements FeatureSettings {
        @Override
        public void validate(Checks c, String prefix) {
            c.range(prefix + "defaultSides", defaultSides, 2, 100);
        }
    }

    /** The {@code dice:roll} payload, bound and validated in one declared place. */
    public record Roll(@NotNull @Pattern(regexp = "[A-Za-z0-9_.:-]{1,64}") String room, @Min(2) @Max(100) Integer sides) {}

    @Override public String name() { return "dice"; }

    @Override public String description() { return "Example feature: dice rolls in rooms (tests and docs)."; }

    @Override public Settings defaults() { return new Settings(true, 6, "darn"); }

    @Override public String migrations() { return "db/dice"; }

    @Override
    public void install(FeatureContext ctx) {
        Settings settings = ctx.config(Settings.class);
        Database db = ctx.service(Database.class).orElseThrow();
        HubbubApi api = ctx.api();
        Counter rolls = Counter.builder(ctx.metricName("rolls")).description("dice rolled").register(ctx.metrics());

        api.on("dice:roll", c -> {
            Roll roll = Payloads.bind(c.payload(), Roll.class);
            if (!c.session().inRoom(roll.room())) throw HubbubException.notFound("not in room '" + roll.room() + "'");
            Room room = api.rooms().local(roll.room()).orElseThrow(() -> HubbubException.notFound("no room '" + roll.room() + "'"));
            int sides = roll.sides() == null ? settings.defaultSides() : roll.sides();
            int n = 1 + ThreadLocalRandom.current().nextInt(sides);
            Principal me = c.principal();
            return CompletableFuture.runAsync(() -> db.useHandle(h -> h.execute(
                            "INSERT INTO dice_rolls (room, user_id, sides, n, rolled_at) VALUES (?, ?, ?, ?, ?)",
                            room.id(), me.userId(), sides, n, ctx.clock().millis())), ctx.blocking())
                    .thenCompose(v -> api.messaging().publishToRoom(room, "dice:rolled",
                            Json.object().put("sides", sides).put("n", n), RoomJson.user(me.userId(), me.name()), null))
                    .thenApply(pos -> {
                        rolls.increment();
                        return Json.object().put("n", n).put("offset", pos.offset());
                    });
        });

        ctx.route("GET", "/api/dice/rolls", Access.USER, req -> RouteResult.ok(Map.of("rolls", db.withHandle(h -> h.createQuery(
                        "SELECT room, sides, n, rolled_at FROM dice_rolls WHERE user_id = ? ORDER BY rolled_at DESC LIMIT 50")
                .bind(0, req.principal().userId()).mapToMap().list()))));

        ctx.adapter("/dice", new DiceAdapter());

        String banned = settings.bannedWord().toLowerCase(Locale.ROOT);
        if (!banned.isBlank()) {
            java.util.regex.Pattern word = java.util.regex.Pattern.compile("\\b" + java.util.regex.Pattern.quote(banned) + "\\b");
            api.onPublish((session, room, data) -> mentions(data, word)
                    ? CompletableFuture.failedFuture(HubbubException.forbidden("message refused: it contains a banned word"))
                    : CompletableFuture.completedFuture(data));
        }
    }

    /** True if any string in the JSON value (keys excluded) contains the pattern. */
    static boolean mentions(JsonNode node, java.util.regex.Pattern banned) {
        if (node == null) return false;
        if (node.isTextual()) return banned.matcher(node.textValue().toLowerCase(Locale.ROOT)).find();
        for (JsonNode child : node) if (mentions(child, banned)) return true;
        return false;
    }

    /** {@code {"op":"join"|"roll","room":…}} ↔ {@code room:join} / {@code dice:roll}; identity from the handshake token. */
    static final class DiceAdapter implements ProtocolAdapter {
        @Override public String name() { return "dice"; }

        @Override
        public AdapterCodec open(AdapterConnection connection) {
            return new AdapterCodec() {
                private final Map<Long, String> pending = new HashMap<>(); // request id -> op, answered once
                private long nextId;

                @Override
                public List<Envelope> decode(String text) {
                    JsonNode f = Json.parseObject(text);
                    String op = Json.text(f, "op");
                    String type = switch (op) {
                        case "join" -> "room:join";
                        case "roll" -> "dice:roll";
                        default -> throw HubbubException.badRequest("unknown op '" + op + "'");
                    };
                    if (pending.size() >= 64) throw HubbubException.badRequest("too many unanswered frames");
                    long id = ++nextId;
                    pending.put(id, op);
                    return List.of(new Envelope(type, id, Json.object().put("room", Json.text(f, "room"))));
                }

                @Override
                public List<String> encode(Outbound frame) {
                    ObjectNode out = Json.object();
                    switch (frame) {
                        case Outbound.Reply r -> {
                            String op = pending.remove(r.id());
                            if ("join".equals(op)) out.put("op", "joined").put("room", r.result().path("room").path("id").asText());
                            else out.put("op", "rolled").put("n", r.result().path("n").asInt());
                        }
                        case Outbound.Failure e -> {
                            if (e.id() != null) pending.remove(e.id());
                            out.put("op", "error").put("code", e.code().wire()).put("message", e.message());
                        }
                        case Outbound.Push p when p.type().equals("dice:rolled") ->
                                out.put("op", "rolled-by").put("user", p.payload().at("/from/id").asText())
                                        .put("n", p.payload().at("/data/n").asInt());
                        case Outbound.Push p -> { return List.of(); } // the format has no word for other events
                    }
                    return List.of(out.toString());
                }
            };
        }
    }
}
