package io.hubbub.server.transport;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;

import java.net.InetSocketAddress;

/** The client's IP: the socket's peer, or the first X-Forwarded-For hop when the proxy is trusted. */
public final class ClientAddress {
    private ClientAddress() {}

    public static String of(Channel ch, HttpRequest req, boolean trustProxy) {
        if (trustProxy && req != null) {
            String xff = req.headers().get("X-Forwarded-For");
            if (xff != null && !xff.isBlank()) return xff.split(",")[0].trim();
        }
        if (ch.remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null) return a.getAddress().getHostAddress();
        return String.valueOf(ch.remoteAddress());
    }
}
