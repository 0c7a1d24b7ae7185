package io.hubbub.server.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * Something served over HTTP on the shared port: the native WebSocket endpoint, the Engine.IO
 * endpoint, the HTTP API. The router offers each request to the endpoints in order; the first whose
 * {@link #matches} is true takes it. {@link #handle} runs on the event loop and must not block; it
 * owns the request (releases it, or passes it on).
 */
public interface HttpEndpoint {
    boolean matches(String path);

    void handle(ChannelHandlerContext ctx, FullHttpRequest request);
}
