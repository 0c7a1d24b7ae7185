package io.hubbub.core.room;

import io.hubbub.core.auth.Principal;
import io.hubbub.core.auth.RoomScope;
import io.hubbub.core.auth.TokenVerifier;
import io.hubbub.core.protocol.HubbubException;

/**
 * Who may do what with a room, decided from the caller's {@link Principal} and the room alone: create
 * it, enter it, see it, manage it (update, close, invite), publish in it. Each check throws the stable
 * {@code forbidden} (or, for a room the caller may not see, {@code not_found}) with the reason; a room
 * token never carries its minter's rights beyond entering the one room instance it is bound to.
 * Pure apart from verifying a room token handed to {@link #checkMayJoin}.
 */
final class RoomAccess {
    private RoomAccess() {}

    /** Only a token minted for a room id that did not exist yet may create (just) that room; full credentials may create any. */
    static void checkMayCreate(Principal creator, String roomId) {
        if (creator != null && creator.isRoomScoped()
                && !(creator.roomCreatedAt() == Principal.NOT_YET_CREATED && creator.roomScope().contains(roomId))) {
            throw HubbubException.forbidden("a room-scoped token cannot create rooms");
        }
    }

    /**
     * Who may enter: a room token only the room instance it is bound to ({@link Principal#opens}), whatever
     * the room's visibility; a full credential a public room, or a private one as admin, creator, host or
     * invitee, or with a room token ({@code roomToken}) of its own user bound to this instance. The same check
     * guards every path that admits a member: room:join (both protocols), session:resume and room:create.
     */
    static void checkMayJoin(Principal p, Room room, String roomToken, TokenVerifier tokens) {
        if (p.isRoomScoped()) {
            if (!p.mayEnter(room.id())) throw HubbubException.forbidden("this token is scoped to other rooms");
            if (!p.opens(room.id(), room.createdAt(), room.createdBy())) {
                throw HubbubException.forbidden("this room token was not issued for this instance of room '" + room.id() + "'");
            }
            return;
        }
        if (room.settings().visibility() == Visibility.PUBLIC || p.isAdmin()) return;
        if (p.userId().equals(room.createdBy()) || p.userId().equals(room.hostId()) || room.isInvited(p.userId())) return;
        if (roomToken != null) {
            Principal rt = tokens.verify(roomToken);
            if (rt.userId().equals(p.userId()) && rt.opens(room.id(), room.createdAt(), room.createdBy())) return;
        }
        throw HubbubException.forbidden("room '" + room.id() + "' is private");
    }

    /** The host and admins manage a room; a room token carries its minter's user id but never that right. */
    static void requireManager(Principal p, Room room) {
        if (p.isRoomScoped()) throw RoomScope.forbidden();
        if (p.isAdmin() || p.userId().equals(room.hostId())) return;
        throw HubbubException.forbidden("only the host or an admin may manage room '" + room.id() + "'");
    }

    /** A private room is seen only by its members, invitees, creator and admins; to others it does not exist. */
    static void requireVisible(Principal p, Room room) {
        if (room.settings().visibility() == Visibility.PRIVATE && !p.isAdmin() && !room.hasMember(p.userId())
                && !room.isInvited(p.userId()) && !p.userId().equals(room.createdBy())) {
            throw HubbubException.notFound("room '" + room.id() + "' does not exist");
        }
    }

    /** The room's publish policy: every member, only the host (and admins), or only the server (admins). */
    static void checkMayPublish(Principal p, Room room) {
        switch (room.settings().publishPolicy()) {
            case MEMBERS -> { }
            case HOST -> {
                if (!p.isAdmin() && !p.userId().equals(room.hostId())) throw HubbubException.forbidden("only the host may publish in this room");
            }
            case SERVER -> {
                if (!p.isAdmin()) throw HubbubException.forbidden("only the server may publish in this room");
            }
        }
    }
}
