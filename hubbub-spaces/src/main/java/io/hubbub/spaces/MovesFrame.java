package io.hubbub.spaces;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.protocol.Outbound;

import java.util.List;

/**
 * One {@code space:moves} frame for a batch of moves, in the form each receiver asked for at
 * {@code space:join}: full ({@code moves: [{userId, x, y}]}) or compact ({@code m: [n, x, y, …]}, the
 * members' short numbers flat in one array). Each form is built at most once, when its first receiver
 * asks, and is one shared push (encoded once per protocol by the core), so a receiver costs a send,
 * never an encode. Not thread-safe (one space's lock).
 */
final class MovesFrame {
    private final String spaceId;
    private final long tick;
    private final List<MoveBatcher.Move> moves;
    private Outbound.Push full, compact;

    MovesFrame(String spaceId, long tick, List<MoveBatcher.Move> moves) {
        this.spaceId = spaceId;
        this.tick = tick;
        this.moves = moves;
    }

    /** The shared push for a receiver that joined with {@code compact} or not. */
    Outbound.Push push(boolean compactForm) {
        if (compactForm) {
            if (compact == null) compact = new Outbound.Push("space:moves", compactPayload());
            return compact;
        }
        if (full == null) full = new Outbound.Push("space:moves", fullPayload());
        return full;
    }

    private ObjectNode header() {
        return Json.object().put("spaceId", spaceId).put("tick", tick);
    }

    private ObjectNode fullPayload() {
        ObjectNode p = header();
        ArrayNode a = p.putArray("moves");
        for (MoveBatcher.Move m : moves) a.addObject().put("userId", m.userId()).put("x", m.x()).put("y", m.y());
        return p;
    }

    private ObjectNode compactPayload() {
        ObjectNode p = header();
        ArrayNode a = p.putArray("m");
        for (MoveBatcher.Move m : moves) a.add(m.n()).add(m.x()).add(m.y());
        return p;
    }
}
