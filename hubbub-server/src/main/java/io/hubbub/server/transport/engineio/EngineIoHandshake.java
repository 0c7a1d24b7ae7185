package io.hubbub.server.transport.engineio;

import java.net.SocketAddress;
import java.util.List;
import java.util.Map;

/**
 * What the first request of a session carried, for the application (auth cookies, query, address).
 * Immutable; header names are lower-case.
 */
public record EngineIoHandshake(
        Map<String, List<String>> query,
        Map<String, String> headers,
        SocketAddress remoteAddress,
        String initialTransport) {

    public EngineIoHandshake {
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
    }

    public String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
