package io.hubbub.client;

/**
 * Options of {@code room:join}. {@code since} asks the server to replay what was missed after that
 * position (the reply then says {@code recovered}); {@code token} is a room-scoped token for a private
 * room. The client remembers the token and uses it again when it re-joins after a reconnect.
 */
public record JoinOptions(Position since, String token) {
    public static final JoinOptions NONE = new JoinOptions(null, null);

    public static JoinOptions since(Position since) {
        return new JoinOptions(since, null);
    }

    public static JoinOptions token(String token) {
        return new JoinOptions(null, token);
    }

    public JoinOptions withSince(Position since) {
        return new JoinOptions(since, token);
    }

    public JoinOptions withToken(String token) {
        return new JoinOptions(since, token);
    }
}
