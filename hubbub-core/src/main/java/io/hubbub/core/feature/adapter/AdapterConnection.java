package io.hubbub.core.feature.adapter;

import io.hubbub.core.auth.Principal;

/** The connection an {@link AdapterCodec} serves, as far as the codec may know it. */
public interface AdapterConnection {

    /** The authenticated caller, or null before authentication. */
    Principal principal();

    /** The client's address (after trusted proxies). */
    String remoteAddress();

    /** The first value of a query parameter of the WebSocket handshake URL, or null (e.g. a seed's {@code ?subscriptions=a,b}). */
    default String query(String name) {
        return null;
    }
}
