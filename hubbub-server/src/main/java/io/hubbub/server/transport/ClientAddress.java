package io.hubbub.server.transport;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The client's IP: the socket's peer, or, when that peer is a trusted proxy, the right-most
 * X-Forwarded-For hop that is not one ({@link TrustedProxies}).
 */
public final class ClientAddress {
    private ClientAddress() {}

    public static String of(Channel ch, HttpRequest req, TrustedProxies proxies) {
        String xff = req == null ? null : req.headers().get("X-Forwarded-For");
        return proxies.clientAddress(ch.remoteAddress(), xff);
    }
}
