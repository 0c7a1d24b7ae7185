package io.hubbub.bench.load;

import java.util.function.Function;

/**
 * Where and how to connect: host and port of a server, its protocol, and the token (null when the
 * server needs none) for a user id. {@code guest}: native clients authenticate with a guest
 * {@code auth} frame after the upgrade instead of a token (the server must allow guests).
 * {@code adminTokens}: an admin credential for set-up calls over HTTP (null when the tool cannot mint one).
 */
public record Endpoint(String host, int port, Protocol protocol, Function<String, String> tokens, boolean guest,
                       Function<String, String> adminTokens) {
    public Endpoint(String host, int port, Protocol protocol, Function<String, String> tokens) {
        this(host, port, protocol, tokens, false, null);
    }

    public String token(String user) {
        return guest || tokens == null ? null : tokens.apply(user);
    }

    /** An admin token for {@code user}; fails when this endpoint has no way to mint one. */
    public String adminToken(String user) {
        if (adminTokens == null) throw new IllegalStateException("this scenario needs admin tokens (a Hubbub target, or --dev-tokens)");
        return adminTokens.apply(user);
    }

    public Endpoint asGuest() {
        return new Endpoint(host, port, protocol, tokens, true, adminTokens);
    }

    public Endpoint withAdminTokens(Function<String, String> admin) {
        return new Endpoint(host, port, protocol, tokens, guest, admin);
    }

    /** This endpoint with {@code users}' tokens minted now, once: a timed window then measures the server, not the token signer. */
    public Endpoint withTokensMinted(java.util.Collection<String> users) {
        if (guest || tokens == null) return this;
        java.util.Map<String, String> minted = new java.util.HashMap<>();
        for (String u : users) minted.put(u, tokens.apply(u));
        Function<String, String> all = tokens;
        return new Endpoint(host, port, protocol, u -> {
            String t = minted.get(u);
            return t != null ? t : all.apply(u);
        }, guest, adminTokens);
    }

    /** {@code http://host:port} */
    public String httpBase() {
        return "http://" + host + ":" + port;
    }
}
