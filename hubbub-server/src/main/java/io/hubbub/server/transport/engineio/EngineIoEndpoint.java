package io.hubbub.server.transport.engineio;

import io.hubbub.server.transport.HttpEndpoint;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.timeout.ReadTimeoutHandler;

import java.util.concurrent.TimeUnit;

/**
 * Mounts an {@link EngineIoHandler} on the shared port's router. A connection that carries Engine.IO
 * traffic gets a read timeout that fits Engine.IO instead of the HTTP one: a long-poll GET waits up to
 * {@code pingInterval} for data, and a WebSocket reads a PONG every {@code pingInterval}, so the
 * connection is closed only after {@code pingInterval + pingTimeout + grace} without any byte.
 */
public final class EngineIoEndpoint implements HttpEndpoint {
    private static final String IDLE = "http-idle";

    private final EngineIoHandler handler;
    private final long idleMillis;

    public EngineIoEndpoint(EngineIoHandler handler, long graceMillis) {
        this.handler = handler;
        EngineIoConfig c = handler.server().config();
        this.idleMillis = c.pingInterval() + c.pingTimeout() + Math.max(1000, graceMillis);
    }

    public EngineIoServer server() {
        return handler.server();
    }

    @Override
    public boolean matches(String path) {
        return handler.matches(path);
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        try {
            ChannelPipeline p = ctx.pipeline();
            if (p.get(IDLE) instanceof ReadTimeoutHandler current && !(current instanceof EngineIoIdle)) {
                p.replace(IDLE, IDLE, new EngineIoIdle(idleMillis));
            }
            handler.handle(ctx, request);
        } finally {
            request.release();
        }
    }

    /** Marks the replaced timeout, so it is installed once per connection. */
    private static final class EngineIoIdle extends ReadTimeoutHandler {
        EngineIoIdle(long millis) {
            super(millis, TimeUnit.MILLISECONDS);
        }
    }
}
