package io.hubbub.bench.load;

import java.util.function.Function;

/**
 * Where and how to connect: host and port of a server, its protocol, and the token (null when the
 * server needs none) for a user id.
 */
public record Endpoint(String host, int port, Protocol protocol, Function<String, String> tokens) {
    public String token(String user) {
        return tokens == null ? null : tokens.apply(user);
    }
}
