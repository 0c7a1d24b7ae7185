package io.hubbub.core.room;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.engine.Broker;
import io.hubbub.core.engine.Channels;
import io.hubbub.core.engine.HistoryQuery;
import io.hubbub.core.engine.Publication;
import io.hubbub.core.hub.Hub;
import io.hubbub.core.protocol.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;

/** The paged read views of rooms (the room list, a room's history): pure functions of their sources. */
final class RoomPages {
    private RoomPages() {}

    /** Public open rooms by id, paged. */
    static ObjectNode list(NavigableMap<String, Room> rooms, String after, int limit, boolean includePrivate) {
        ArrayNode arr = Json.NODES.arrayNode();
        Map<String, Room> view = after == null ? rooms : rooms.tailMap(after, false);
        String last = null;
        boolean more = false;
        for (Room r : view.values()) {
            if (r.state() == RoomState.CLOSED) continue;
            if (!includePrivate && r.settings().visibility() != Visibility.PUBLIC) continue;
            if (arr.size() == limit) {
                more = true;
                break;
            }
            arr.add(RoomJson.view(r));
            last = r.id();
        }
        ObjectNode out = Json.object();
        out.set("rooms", arr);
        if (more) out.put("next", last);
        else out.putNull("next");
        return out;
    }

    /** Messages of a room, oldest first; {@code before} pages backwards by offset. */
    static CompletableFuture<ObjectNode> history(Broker broker, String roomId, Long before, int limit) {
        return broker.history(Channels.room(roomId), HistoryQuery.latest(0)).thenApply(h -> {
            List<Publication> pubs = new ArrayList<>();
            for (Publication p : h.publications()) if (before == null || p.offset() < before) pubs.add(p);
            List<Publication> page = pubs.subList(Math.max(0, pubs.size() - limit), pubs.size());
            ArrayNode arr = Json.NODES.arrayNode();
            for (Publication p : page) arr.add(Hub.toPush(p).payload());
            ObjectNode out = Json.object();
            out.set("messages", arr);
            out.set("position", RoomJson.position(h.position()));
            return out;
        });
    }
}
