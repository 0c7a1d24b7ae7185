package io.hubbub.core.auth;

import java.util.Set;

/**
 * The authenticated identity of a connection or HTTP call. The server never takes identity from a
 * payload: whatever a frame claims, its sender is the principal of its connection.
 *
 * @param userId     stable user id
 * @param name       display name
 * @param role       role
 * @param roomScope  null for a full token; otherwise the only rooms this token may join (room-scoped tokens)
 * @param expiresAt  epoch millis when the credential expires, or 0 for none
 */
public record Principal(String userId, String name, Role role, Set<String> roomScope, long expiresAt) {

    public static Principal user(String userId, String name) {
        return new Principal(userId, name, Role.USER, null, 0);
    }

    public boolean isAdmin() {
        return role.isPrivileged();
    }

    /** True if this credential allows joining the room (before room-level rules are applied). */
    public boolean mayEnter(String roomId) {
        return roomScope == null || roomScope.contains(roomId);
    }
}
