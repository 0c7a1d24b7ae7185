package io.hubbub.core.auth;

import java.util.Set;

/**
 * The authenticated identity of a connection or HTTP call. The server never takes identity from a
 * payload: whatever a frame claims, its sender is the principal of its connection.
 *
 * @param userId        stable user id
 * @param name          display name
 * @param role          role
 * @param roomScope     null for a full token; otherwise the only rooms this token may join (room-scoped tokens).
 *                      A room-scoped credential opens its rooms and nothing else (see {@link RoomScope})
 * @param expiresAt     epoch millis when the credential expires, or 0 for none
 * @param roomCreatedAt for a room token Hubbub minted: the creation time (epoch millis) of the one room
 *                      instance it is bound to, {@link #NOT_YET_CREATED} if minted for a room id that did not
 *                      exist yet, {@link #UNBOUND} otherwise (full tokens; room scopes of external tokens)
 * @param issuedAt      epoch millis when the credential was issued, or 0 if unknown (API keys, guests)
 */
public record Principal(String userId, String name, Role role, Set<String> roomScope, long expiresAt,
                        long roomCreatedAt, long issuedAt) {

    /** {@link #roomCreatedAt} of credentials not bound to a room instance. */
    public static final long UNBOUND = -1;
    /** {@link #roomCreatedAt} of a room token minted before its room existed: it may create that room. */
    public static final long NOT_YET_CREATED = 0;

    /** A credential not bound to a room instance, issue time unknown. */
    public Principal(String userId, String name, Role role, Set<String> roomScope, long expiresAt) {
        this(userId, name, role, roomScope, expiresAt, UNBOUND, 0);
    }

    public static Principal user(String userId, String name) {
        return new Principal(userId, name, Role.USER, null, 0);
    }

    public boolean isAdmin() {
        return role.isPrivileged();
    }

    /** True for a room-scoped credential (a room token). */
    public boolean isRoomScoped() {
        return roomScope != null;
    }

    /** True if this credential allows joining the room (before room-level rules are applied). */
    public boolean mayEnter(String roomId) {
        return roomScope == null || roomScope.contains(roomId);
    }

    /**
     * True if this room-scoped credential opens the room instance {@code roomId} created at
     * {@code roomCreatedAt} by {@code roomCreatedBy}: the room is in scope and the token is bound to that
     * very instance, or was minted before the room existed and the room was then created by the token's own
     * user (a room someone else created meanwhile is never opened), or the token is unbound (external tokens).
     * False for full credentials: they are checked by the room's own rules.
     */
    public boolean opens(String roomId, long roomCreatedAt, String roomCreatedBy) {
        if (roomScope == null || !roomScope.contains(roomId)) return false;
        if (this.roomCreatedAt == UNBOUND) return true;
        if (this.roomCreatedAt == NOT_YET_CREATED) return userId.equals(roomCreatedBy);
        return this.roomCreatedAt == roomCreatedAt;
    }
}
