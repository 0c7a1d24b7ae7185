package io.hubbub.server.auth;

import io.hubbub.core.auth.Principal;
import io.hubbub.core.auth.Role;
import io.hubbub.core.store.User;

/**
 * What the API shows of a user: a {@link User} without its password hash, so the hash cannot leak through a
 * response by accident.
 *
 * @param avatarUrl null when the user has none
 */
public record Account(String id, String username, String displayName, String avatarUrl, Role role,
                      long createdAt) {

    public static Account of(User user) {
        String avatar = user.avatarUrl() == null || user.avatarUrl().isEmpty() ? null : user.avatarUrl();
        return new Account(user.id(), user.username(), user.displayName(), avatar, user.role(), user.createdAt());
    }

    /** The principal of a full (not room-scoped) credential for this account. */
    public Principal principal() {
        return new Principal(id, displayName, role, null, 0);
    }
}
