package io.hubbub.client;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The WebSocket URI for a server base URI. */
final class Endpoints {
    private Endpoints() {
    }

    /**
     * {@code <base>/ws?v=1}, with http→ws and https→wss; a base that already ends in {@code /ws} is
     * kept; any query of the base is replaced. {@code token} (QUERY auth) is appended URL-encoded.
     */
    static URI webSocket(URI base, String token) {
        String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase();
        String ws = switch (scheme) {
            case "http", "ws" -> "ws";
            case "https", "wss" -> "wss";
            default -> throw new IllegalArgumentException("server URI must be http(s) or ws(s): " + base);
        };
        if (base.getRawAuthority() == null) {
            throw new IllegalArgumentException("server URI has no host: " + base);
        }
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (!path.endsWith("/ws")) {
            path = path + "/ws";
        }
        String query = "v=1";
        if (token != null) {
            query += "&token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
        }
        return URI.create(ws + "://" + base.getRawAuthority() + path + "?" + query);
    }
}
