package io.hubbub.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;

/** The stored rows of the chat feature and their wire shapes (docs/CHAT.md). */
final class Model {
    private Model() {}

    record Chat(String id, ChatRules.Kind kind, String name, String image, String description, String ownerId,
                long lastSeq, long createdAt, long updatedAt) {
        ObjectNode json() {
            ObjectNode o = Json.object().put("id", id).put("type", kind.name().toLowerCase(java.util.Locale.ROOT));
            o.put("name", name).put("image", image).put("description", description).put("ownerId", ownerId);
            o.put("lastSeq", lastSeq).put("createdAt", createdAt).put("updatedAt", updatedAt);
            return o;
        }
    }

    record Member(String userId, ChatRules.Role role, long joinedAt, long lastDelivered, long lastRead, boolean muted) {
        ObjectNode json() {
            return Json.object().put("userId", userId).put("role", role.wire()).put("joinedAt", joinedAt)
                    .put("lastDelivered", lastDelivered).put("lastRead", lastRead);
        }
    }

    /** A message to store; {@code replyPreview} was read when the send was checked. */
    record Draft(String id, String chatId, String senderId, String clientId, String kind, String text, String replyTo,
                 ObjectNode replyPreview, JsonNode extra, long createdAt) {}

    /** A stored message. {@code reply} is {@code {id, senderId, excerpt}} or null. */
    record Message(String id, String chatId, long seq, String senderId, String clientId, String kind, String text,
                   ObjectNode reply, JsonNode extra, long createdAt, Long editedAt, boolean deleted, ObjectNode reactions) {
        ObjectNode json() {
            ObjectNode o = Json.object().put("id", id).put("chatId", chatId).put("seq", seq);
            o.putObject("sender").put("id", senderId);
            o.put("kind", kind).put("text", deleted ? "" : text).put("clientId", clientId);
            o.set("replyTo", reply);
            JsonNode ex = extra == null ? Json.object() : extra;
            o.set("attachments", deleted ? Json.MAPPER.createArrayNode() : ex.path("attachments").isArray() ? ex.get("attachments") : Json.MAPPER.createArrayNode());
            o.set("mentions", ex.path("mentions").isArray() ? ex.get("mentions") : Json.MAPPER.createArrayNode());
            if (ex.has("system")) o.set("system", ex.get("system"));
            o.put("createdAt", createdAt);
            if (editedAt == null) o.putNull("editedAt"); else o.put("editedAt", editedAt);
            o.put("edited", editedAt != null).put("deleted", deleted);
            o.set("reactions", reactions == null ? Json.object() : reactions);
            return o;
        }
    }

    static ArrayNode array() {
        return Json.MAPPER.createArrayNode();
    }
}
