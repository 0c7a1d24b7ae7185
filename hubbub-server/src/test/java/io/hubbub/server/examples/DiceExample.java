package io.hubbub.server.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.api.HubbubApi;
import io.hubbub.core.auth.Principal;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.room.Room;
import io.hubbub.core.room.RoomJson;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Embedding example (docs/ARCHITECTURE.md "Extending Hubbub"): an application adds its own client
 * event and moderates messages through the same {@link HubbubApi} the built-in features use.
 *
 * <ul>
 *   <li>{@code dice:roll} {@code {"room": id, "sides": 2..100 (default 6)}}: the sender must be in the
 *   room; every member gets {@code dice:rolled} {@code {"room", "from", "data": {"sides", "n"}, "offset",
 *   "epoch", "ts"}} (recorded in the room's history like a message, so it is recovered after a drop);
 *   the reply is {@code {"n", "offset"}}.</li>
 *   <li>A publish hook refuses {@code message:send} whose data contains the banned word (as a whole
 *   word, any letter case, anywhere in the JSON strings) with {@code forbidden}; nothing is published.</li>
 * </ul>
 *
 * <p>Threading: the handler and the hook run on the sending session's executor and do not block.
 */
public final class DiceExample {
    private DiceExample() {}

    public static void install(HubbubApi api, String bannedWord) {
        Pattern banned = Pattern.compile("\\b" + Pattern.quote(bannedWord.toLowerCase(Locale.ROOT)) + "\\b");

        api.on("dice:roll", ctx -> {
            JsonNode p = ctx.payload();
            String roomId = Json.id(p, "room");
            int sides = Json.optInt(p, "sides", 6, 2, 100);
            if (!ctx.session().inRoom(roomId)) throw HubbubException.notFound("not in room '" + roomId + "'");
            Room room = api.rooms().local(roomId).orElseThrow(() -> HubbubException.notFound("room '" + roomId + "' does not exist"));
            int n = 1 + ThreadLocalRandom.current().nextInt(sides);
            Principal me = ctx.principal();
            ObjectNode data = Json.object().put("sides", sides).put("n", n);
            return api.messaging().publishToRoom(room, "dice:rolled", data, RoomJson.user(me.userId(), me.name()), null)
                    .thenApply(pos -> Json.object().put("n", n).put("offset", pos.offset()));
        });

        api.onPublish((session, room, data) -> mentions(data, banned)
                ? CompletableFuture.failedFuture(HubbubException.forbidden("message refused: it contains a banned word"))
                : CompletableFuture.completedFuture(data));
    }

    /** True if any string in the JSON value (keys excluded) contains the pattern. */
    static boolean mentions(JsonNode node, Pattern banned) {
        if (node == null) return false;
        if (node.isTextual()) return banned.matcher(node.textValue().toLowerCase(Locale.ROOT)).find();
        for (JsonNode child : node) if (mentions(child, banned)) return true;
        return false;
    }
}
