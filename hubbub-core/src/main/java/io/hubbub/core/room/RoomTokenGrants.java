package io.hubbub.core.room;

import io.hubbub.core.auth.Principal;
import io.hubbub.core.auth.RoomScope;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;

import java.util.concurrent.CompletableFuture;

/** Who may hand out room tokens, and which room instance a new token is bound to. */
public final class RoomTokenGrants {
    private RoomTokenGrants() {}

    /**
     * Decides whether {@code by} may mint a room token for {@code roomId}, and what to bind it to. For an
     * existing room: anyone with a full credential for a public room, the host or an admin/API key for a
     * private one; the token is bound to the room's creation time, so it never opens a later room of the
     * same id. For a room id that does not exist: anyone with a full credential, bound to
     * {@link Principal#NOT_YET_CREATED} (the holder may create that room, never enter one someone else
     * created). Room tokens cannot mint room tokens.
     *
     * @return the value for the token's {@code roomCreatedAt}
     * @throws HubbubException {@code forbidden} if {@code by} may not grant entry to the room
     */
    public static CompletableFuture<Long> binding(RoomService rooms, Principal by, String roomId) {
        if (by.isRoomScoped()) return CompletableFuture.failedFuture(RoomScope.forbidden());
        if (!Json.isValidId(roomId)) return CompletableFuture.failedFuture(HubbubException.badRequest("invalid room id"));
        return rooms.find(roomId).thenApply(found -> {
            Room room = found.filter(r -> r.state() != RoomState.CLOSED).orElse(null);
            if (room == null) return Principal.NOT_YET_CREATED;
            if (room.settings().visibility() != Visibility.PUBLIC && !by.isAdmin() && !by.userId().equals(room.hostId())) {
                throw HubbubException.forbidden("only the host or an admin may grant entry to room '" + roomId + "'");
            }
            return room.createdAt();
        });
    }
}
