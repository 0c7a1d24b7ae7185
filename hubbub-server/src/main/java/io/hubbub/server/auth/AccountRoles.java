package io.hubbub.server.auth;

import io.hubbub.core.auth.Role;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.store.User;
import io.hubbub.core.store.UserRepository;

import java.util.function.ToLongFunction;

/**
 * Gives an account the admin or the user role, for the admin API and the CLI. A role lives in the tokens
 * issued for it, so a promotion takes effect on the user's next token; a demotion also revokes every token
 * the user holds (including those of the current second), so admin tokens do not outlive it. The last admin
 * account cannot be demoted ({@code last_admin}).
 *
 * <p><b>Blocking</b> (JDBC): virtual threads only. Thread-safe.
 */
public final class AccountRoles {
    private final UserRepository users;
    private final ToLongFunction<String> revoke;

    /** @param revoke revokes all tokens of a user id through the current second; returns the revocation time */
    public AccountRoles(UserRepository users, ToLongFunction<String> revoke) {
        this.users = users;
        this.revoke = revoke;
    }

    /** The outcome of a role change: the account after it, and whether its tokens were revoked. */
    public record Change(Account account, boolean tokensRevoked) {}

    /** {@code "admin"} or {@code "user"} (as the API writes roles); anything else is {@code bad_request}. */
    public static Role parse(String role) {
        if ("admin".equals(role)) return Role.ADMIN;
        if ("user".equals(role)) return Role.USER;
        throw HubbubException.badRequest("role must be \"admin\" or \"user\"");
    }

    /**
     * @throws HubbubException {@code not_found} for an unknown user, {@code last_admin} when demoting the last
     *                         admin (nothing changes then)
     */
    public Change set(String userId, Role role) {
        User before = users.setRole(userId, role).orElseThrow(() -> HubbubException.notFound("user not found"));
        boolean demoted = before.role() == Role.ADMIN && role != Role.ADMIN;
        if (demoted) revoke.applyAsLong(userId);
        Account was = Account.of(before);
        return new Change(new Account(was.id(), was.username(), was.displayName(), was.avatarUrl(), role, was.createdAt()),
                demoted);
    }

    /** Finds an account by id, or else by username (case-insensitive), for the CLI. */
    public Account find(String idOrUsername) {
        return users.findById(idOrUsername).or(() -> users.findByUsername(idOrUsername)).map(Account::of)
                .orElseThrow(() -> HubbubException.notFound("no account with id or username " + idOrUsername));
    }
}
