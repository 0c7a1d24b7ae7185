package io.hubbub.bench.load;

import java.util.function.Function;

/**
 * Where and how to connect: host and port of a server, its protocol, and the token (null when the
 * server needs none) for a user id. {@code guest}: native clients authenticate with a guest
 * {@code auth} frame after the upgrade instead of a token (the server must allow guests).
 */
public record Endpoint(String host, int port, Protocol protocol, Function<String, String> tokens, boolean guest) {
    public Endpoint(String host, int port, Protocol protocol, Function<String, String> tokens) {
        this(host, port, protocol, tokens, false);
    }

    public String token(String user) {
        return guest || tokens == null ? null : tokens.apply(user);
    }

    public Endpoint asGuest() {
        return new Endpoint(host, port, protocol, tokens, true);
    }
}
