package io.hubbub.core.room;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.protocol.HubbubException;

/**
 * The options of a room, set at creation and changeable by its host or an admin.
 *
 * @param name            display name (1–100 chars)
 * @param capacity        most members at once; 0 = unlimited (bounded by the server's default cap)
 * @param visibility      public (listed) or private (invite or room token)
 * @param publishPolicy   who may publish
 * @param historySize     messages kept for history and recovery; 0 disables history
 * @param historyTtlSec   seconds a message is kept; 0 = no age limit
 * @param presence        track and announce who is in the room
 * @param joinLeaveEvents send presence:join / presence:leave to members
 * @param metadata        small application JSON (≤ 4 KiB encoded), may be null
 * @param persistent      kept in the database and survives restarts; otherwise ephemeral (memory only)
 * @param sticky          in a cluster, members must connect to the room's owner node
 */
public record RoomSettings(String name, int capacity, Visibility visibility, PublishPolicy publishPolicy,
                           int historySize, long historyTtlSec, boolean presence, boolean joinLeaveEvents,
                           JsonNode metadata, boolean persistent, boolean sticky) {

    public static final int MAX_METADATA_BYTES = 4096;

    public RoomSettings {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw HubbubException.badRequest("name must be 1 to 100 characters");
        }
        if (capacity < 0) throw HubbubException.badRequest("capacity must be >= 0");
        if (historySize < 0 || historySize > 10_000) throw HubbubException.badRequest("historySize must be 0..10000");
        if (historyTtlSec < 0) throw HubbubException.badRequest("historyTtl must be >= 0");
        if (visibility == null) visibility = Visibility.PUBLIC;
        if (publishPolicy == null) publishPolicy = PublishPolicy.MEMBERS;
        if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
            throw HubbubException.badRequest("metadata must be an object");
        }
        if (metadata != null && metadata.toString().length() > MAX_METADATA_BYTES) {
            throw new HubbubException(io.hubbub.core.protocol.ErrorCode.TOO_LARGE, "metadata is over 4096 bytes");
        }
    }

    public static RoomSettings defaults(String name, int historySize, long historyTtlSec) {
        return new RoomSettings(name, 0, Visibility.PUBLIC, PublishPolicy.MEMBERS, historySize, historyTtlSec,
                true, true, null, false, false);
    }
}
