package io.hubbub.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.engine.StreamPosition;
import io.hubbub.core.messaging.MessagingService;
import io.hubbub.core.node.HubbubNode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.room.Room;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Server-side publishing with an API key (or an admin token): {@code POST /api/publish} to one room,
 * topic or user, {@code POST /api/broadcast} to many targets at once. A 200 means the broker accepted
 * the message (and recorded it, for rooms and topics); a failure publishes nothing for that target.
 */
public final class PublishRoutes {
    static final int MAX_TARGETS = 100;

    private PublishRoutes() {}

    public static void register(HttpApi api, HubbubNode node) {
        api.route("POST", "/api/publish", call -> {
            call.admin();
            JsonNode b = call.json();
            return HttpResult.ok(publish(node, b, Json.optText(b, "event", null), Json.value(b, "data"), clientId(b)));
        });
        api.route("POST", "/api/broadcast", call -> {
            call.admin();
            JsonNode b = call.json();
            JsonNode targets = b.get("targets");
            if (targets == null || !targets.isArray() || targets.isEmpty() || targets.size() > MAX_TARGETS) {
                throw HubbubException.badRequest("field 'targets' must be an array of 1 to " + MAX_TARGETS + " targets");
            }
            String event = Json.optText(b, "event", null);
            JsonNode data = Json.value(b, "data");
            String clientId = clientId(b); // one id for all targets: each room/topic dedupes on its own
            ArrayNode results = Json.NODES.arrayNode();
            for (JsonNode t : targets) {
                try {
                    results.add(publish(node, t, event, data, clientId));
                } catch (Exception e) {
                    HubbubException he = HubbubException.from(e);
                    ObjectNode r = Json.object();
                    r.putObject("error").put("code", he.code().wire()).put("message", he.getMessage());
                    results.add(r);
                }
            }
            ObjectNode out = Json.object();
            out.set("results", results);
            return HttpResult.ok(out);
        });
    }

    /** The optional {@code clientId}: the same id again (a retry) answers the first position and publishes nothing. */
    static String clientId(JsonNode body) {
        return body.has("clientId") ? Json.id(body, "clientId") : null;
    }

    static ObjectNode publish(HubbubNode node, JsonNode target, String event, JsonNode data, String clientId) throws Exception {
        String key = MessagingService.idempotencyKey("", clientId); // no user id is empty: a key space of its own
        if (!target.isObject()) throw HubbubException.badRequest("a target must be an object with room, topic or user");
        MessagingService m = node.messaging();
        if (target.has("room")) {
            String id = Json.id(target, "room");
            Room room = node.rooms().find(id).get(10, TimeUnit.SECONDS)
                    .orElseThrow(() -> HubbubException.notFound("room '" + id + "' does not exist"));
            return position(m.publishToRoom(room, event == null ? "message:new" : event, data, MessagingService.SERVER, null, key)).put("room", id);
        }
        if (target.has("topic")) {
            String topic = Json.id(target, "topic");
            return position(m.publishToTopic(topic, event, data, null, key)).put("topic", topic);
        }
        if (target.has("user")) {
            String user = Json.id(target, "user");
            long ts = m.publishToUser(user, event, data, MessagingService.SERVER).get(10, TimeUnit.SECONDS);
            return Json.object().put("user", user).put("ts", ts);
        }
        throw HubbubException.badRequest("a target needs one of room, topic or user");
    }

    private static ObjectNode position(CompletableFuture<StreamPosition> f) throws Exception {
        StreamPosition p = f.get(10, TimeUnit.SECONDS);
        ObjectNode o = Json.object().put("offset", p.offset());
        o.put("epoch", p.epoch());
        return o;
    }
}
