package io.hubbub.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;

/**
 * A position in a room's (or topic's) history: {@code offset} within {@code epoch}. Offsets grow by
 * exactly one per recorded message within an epoch; a different epoch means a different history.
 */
public record Position(String epoch, long offset) {
    public Position {
        Objects.requireNonNull(epoch, "epoch");
    }

    /** Reads {@code {"epoch":…, "offset":…}}; returns null when the node is not such an object. */
    public static Position fromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode epoch = node.get("epoch");
        JsonNode offset = node.get("offset");
        if (epoch == null || !epoch.isTextual() || offset == null || !offset.canConvertToLong()) {
            return null;
        }
        return new Position(epoch.asText(), offset.asLong());
    }

    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("epoch", epoch);
        node.put("offset", offset);
        return node;
    }

    /**
     * The later of two positions: a position in another epoch replaces this one (the server's history
     * restarted); within one epoch the larger offset wins, so an old message never moves us back.
     */
    public static Position latest(Position current, Position seen) {
        if (current == null) {
            return seen;
        }
        if (seen == null) {
            return current;
        }
        if (!current.epoch.equals(seen.epoch)) {
            return seen;
        }
        return seen.offset > current.offset ? seen : current;
    }
}
