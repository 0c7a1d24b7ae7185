package io.hubbub.server.protocol.socketio.hubbub;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.protocol.Outbound;

/**
 * The connection-state-recovery offset Hubbub appends to every recorded room or topic event on the
 * Socket.IO main namespace: {@code r|<room>|<epoch>|<offset>} or {@code t|<topic>|<epoch>|<offset>}.
 * It names the publication, not the receiver, so one encoding serves every receiver. The client
 * keeps the last one it received and presents it as {@code auth.offset} when it reconnects.
 *
 * @param channel {@code r|<room>} or {@code t|<topic>}
 */
record RecoveryOffset(String channel, String epoch, long offset) {

    static String room(String id) {
        return "r|" + id;
    }

    static String topic(String name) {
        return "t|" + name;
    }

    /** The offset of a recorded room/topic publication, or null for any other push. */
    static RecoveryOffset of(Outbound.Push push) {
        JsonNode p = push.payload();
        if (p == null || !p.isObject()) return null;
        JsonNode offset = p.get("offset");
        JsonNode epoch = p.get("epoch");
        if (offset == null || !offset.canConvertToLong() || epoch == null || !epoch.isTextual() || epoch.asText().isEmpty()) return null;
        JsonNode room = p.get("room");
        if (room != null && room.isTextual()) return new RecoveryOffset(room(room.asText()), epoch.asText(), offset.asLong());
        JsonNode topic = p.get("topic");
        if (topic != null && topic.isTextual()) return new RecoveryOffset(topic(topic.asText()), epoch.asText(), offset.asLong());
        return null;
    }

    /** Parses a client's {@code auth.offset}; null when absent or not one of ours. */
    static RecoveryOffset parse(String wire) {
        if (wire == null || wire.length() > 512) return null;
        int a = wire.indexOf('|');
        int b = a < 0 ? -1 : wire.indexOf('|', a + 1);
        int c = wire.lastIndexOf('|');
        if (a != 1 || b < 0 || c <= b || (wire.charAt(0) != 'r' && wire.charAt(0) != 't')) return null;
        try {
            long offset = Long.parseLong(wire.substring(c + 1));
            String epoch = wire.substring(b + 1, c);
            return offset < 0 || epoch.isEmpty() || b == a + 1 ? null : new RecoveryOffset(wire.substring(0, b), epoch, offset);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    String wire() {
        return channel + "|" + epoch + "|" + offset;
    }

    boolean isRoom() {
        return channel.charAt(0) == 'r';
    }

    /** The room id or topic name. */
    String name() {
        return channel.substring(2);
    }
}
