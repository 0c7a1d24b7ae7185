package io.hubbub.server.auth;

/**
 * A token minted by {@link JwtService}.
 *
 * @param token     the compact JWT, to hand to the client only
 * @param expiresAt epoch millis when it expires
 */
public record IssuedToken(String token, long expiresAt) {

    /** Never prints the token, so an IssuedToken that reaches a log line leaks nothing. */
    @Override
    public String toString() {
        return "IssuedToken[token=<redacted>, expiresAt=" + expiresAt + "]";
    }
}
