package io.hubbub.core.auth;

/**
 * The server's user accounts as a port for features (obtained with
 * {@code FeatureContext.service(Accounts.class)}): the same accounts as the server's own
 * {@code /api/auth/*} routes, so a feature that speaks a seed's sign-up/sign-in contract creates real
 * Hubbub users. Blocking (database, password hashing): call from route handlers or
 * {@code ctx.blocking()}, never from an event loop. Thread-safe.
 */
public interface Accounts {

    /** A created or signed-in account: its stable id, username, display name and role. */
    record Account(String userId, String username, String displayName, Role role) {}

    /**
     * Creates an account with {@code role} (never {@link Role#SERVICE}).
     *
     * @throws io.hubbub.core.protocol.HubbubException {@code bad_request} for an invalid username or
     *         password, {@code conflict} for a taken username (any letter case)
     */
    Account create(String username, String password, Role role);

    /**
     * Checks credentials and issues a token the server accepts everywhere (WebSocket, HTTP).
     *
     * @return the token
     * @throws io.hubbub.core.protocol.HubbubException {@code unauthorized} for wrong credentials (the same
     *         answer whether or not the user exists)
     */
    String signIn(String username, String password);

    /**
     * The principal of a token this server accepts.
     *
     * @throws io.hubbub.core.protocol.HubbubException {@code unauthorized} for a missing, malformed,
     *         forged, unsigned or expired token
     */
    Principal verify(String token);
}
