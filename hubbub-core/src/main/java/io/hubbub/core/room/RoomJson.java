package io.hubbub.core.room;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.engine.StreamPosition;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;

import java.util.Locale;

/** The documented JSON shapes of a room (docs/PROTOCOL.md "Room") and parsing of room options. */
public final class RoomJson {
    private RoomJson() {}

    public static ObjectNode view(Room room) {
        RoomSettings s = room.settings();
        ObjectNode o = Json.object();
        o.put("id", room.id());
        o.put("name", s.name());
        o.put("capacity", s.capacity());
        o.put("visibility", s.visibility().name().toLowerCase(Locale.ROOT));
        o.put("publish", s.publishPolicy().name().toLowerCase(Locale.ROOT));
        o.put("historySize", s.historySize());
        o.put("historyTtl", s.historyTtlSec());
        o.put("presence", s.presence());
        o.put("joinLeaveEvents", s.joinLeaveEvents());
        o.set("metadata", s.metadata());
        o.put("persistent", s.persistent());
        o.put("sticky", s.sticky());
        o.put("state", room.state().name().toLowerCase(Locale.ROOT));
        o.set("host", room.hostId() == null ? null : user(room.hostId(), room.hostName()));
        o.put("members", room.memberCount());
        o.put("createdAt", room.createdAt());
        return o;
    }

    /** The options of a room as an object {@link #parse} reads back (the room directory stores it). */
    public static ObjectNode settings(RoomSettings s) {
        ObjectNode o = Json.object();
        o.put("name", s.name());
        o.put("capacity", s.capacity());
        o.put("visibility", s.visibility().name().toLowerCase(Locale.ROOT));
        o.put("publish", s.publishPolicy().name().toLowerCase(Locale.ROOT));
        o.put("historySize", s.historySize());
        o.put("historyTtl", s.historyTtlSec());
        o.put("presence", s.presence());
        o.put("joinLeaveEvents", s.joinLeaveEvents());
        if (s.metadata() != null && !s.metadata().isNull()) o.set("metadata", s.metadata());
        o.put("persistent", s.persistent());
        o.put("sticky", s.sticky());
        return o;
    }

    /** A position in a room's stream: {@code {offset, epoch}}. */
    public static ObjectNode position(StreamPosition p) {
        ObjectNode o = Json.object().put("offset", p.offset());
        o.put("epoch", p.epoch());
        return o;
    }

    public static ObjectNode user(String id, String name) {
        ObjectNode u = Json.object();
        u.put("id", id);
        u.put("name", name);
        return u;
    }

    /**
     * Applies the option fields present in {@code p} over {@code base}. {@code persistent} is taken only
     * when {@code allowPersistent} (at creation).
     */
    public static RoomSettings parse(JsonNode p, RoomSettings base, int maxHistorySize, boolean allowPersistent) {
        String name = Json.optText(p, "name", base.name());
        int capacity = Json.optInt(p, "capacity", base.capacity(), 0, 1_000_000);
        Visibility vis = parseEnum(Visibility.class, Json.optText(p, "visibility", null), base.visibility(), "visibility");
        PublishPolicy pub = parseEnum(PublishPolicy.class, Json.optText(p, "publish", null), base.publishPolicy(), "publish");
        int historySize = Json.optInt(p, "historySize", base.historySize(), 0, maxHistorySize);
        long historyTtl = Json.optLong(p, "historyTtl", base.historyTtlSec());
        boolean presence = Json.optBool(p, "presence", base.presence());
        boolean joinLeave = Json.optBool(p, "joinLeaveEvents", base.joinLeaveEvents());
        JsonNode metadata = p.has("metadata") ? Json.optObject(p, "metadata", RoomSettings.MAX_METADATA_BYTES) : base.metadata();
        boolean persistent = allowPersistent ? Json.optBool(p, "persistent", base.persistent()) : base.persistent();
        boolean sticky = Json.optBool(p, "sticky", base.sticky());
        return new RoomSettings(name, capacity, vis, pub, historySize, historyTtl, presence, joinLeave, metadata, persistent, sticky);
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String v, E fallback, String field) {
        if (v == null) return fallback;
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw HubbubException.badRequest("field '" + field + "' has an unknown value '" + v + "'");
        }
    }
}
