package io.hubbub.core.store;

import java.util.Optional;

/**
 * Accounts. <b>Blocking</b> (JDBC): never call on an event loop; the server runs these on virtual threads.
 */
public interface UserRepository {

    /** @throws io.hubbub.core.protocol.HubbubException {@code conflict} if the username is taken (case-insensitive) */
    User create(User user);

    Optional<User> findById(String id);

    /** Case-insensitive. */
    Optional<User> findByUsername(String username);

    /** Updates display name and avatar; null leaves a field unchanged. Returns the updated user if it exists. */
    Optional<User> updateProfile(String id, String displayName, String avatarUrl);

    long count();

    /**
     * Gives the user {@code role} (an account role: {@code USER} or {@code ADMIN}). Atomic against concurrent
     * role changes: demoting an admin when no other admin account exists is refused, so an installation
     * that has an admin always keeps one.
     *
     * @return the user as it was before the change, or empty if there is no such user
     * @throws io.hubbub.core.protocol.HubbubException {@code last_admin} when the change would leave no admin
     */
    Optional<User> setRole(String id, io.hubbub.core.auth.Role role);

    /**
     * When the user's tokens start to be valid (epoch millis; tokens issued earlier are revoked, 0 = none),
     * or empty if there is no such user.
     */
    java.util.OptionalLong tokensValidAfter(String id);

    /**
     * The users whose {@code tokens_valid_after} is later than {@code after} (epoch millis), with it; at
     * most {@code limit + 1} entries, so a caller can tell that there were more than {@code limit}.
     */
    java.util.Map<String, Long> revokedAfter(long after, int limit);

    /** Revokes the user's tokens issued before {@code validAfter} (epoch millis); false if there is no such user. */
    boolean revokeTokens(String id, long validAfter);
}
