package io.hubbub.server.transport.engineio;

import io.hubbub.server.transport.SharedFrames;
import io.hubbub.server.transport.WsMessages;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;

/**
 * The WebSocket transport of one Engine.IO session, installed right behind Netty's WebSocket decoder
 * after the handshake. {@link WsMessages} joins a message's fragments (past {@code maxPayload}: close
 * 1009) and checks text as UTF-8 (else close 1007, RFC 6455 section 8.1); whole messages are copied off
 * the buffer on the channel's loop and handed to the socket's loop; writes may come from the socket's
 * loop (Netty makes cross-thread writes safe). Per connection, not sharable.
 */
final class EngineIoWebSocketHandler extends ChannelInboundHandlerAdapter implements WsMessages.Sink {
    private final int maxPayload;
    private volatile EngineIoSocket socket;
    private volatile ChannelHandlerContext ctx;
    private WsMessages fragments; // loop-confined: a message whose final fragment has not come yet

    /** @param maxPayload the largest message, all its fragments together */
    EngineIoWebSocketHandler(int maxPayload) {
        this.maxPayload = maxPayload;
    }

    void bind(EngineIoSocket socket) {
        this.socket = socket;
    }

    EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    /**
     * WebSocket pings a client may send: Engine.IO has its own heartbeat (browsers cannot even send
     * WebSocket pings), so more than {@link #PINGS_PER_SECOND} in a second get no pong, and twice that
     * closes the connection with 1008 (policy violation). Loop-confined.
     */
    static final int PINGS_PER_SECOND = 20;
    private static final int CLOSE_LINGER_SECONDS = 2;
    private boolean closingForPings;
    private long pingWindowStart;
    private int pingsInWindow;

    private boolean pingAllowed() {
        long now = System.nanoTime();
        if (now - pingWindowStart > 1_000_000_000L) {
            pingWindowStart = now;
            pingsInWindow = 0;
        }
        if (++pingsInWindow <= PINGS_PER_SECOND) return true;
        if (pingsInWindow == 2 * PINGS_PER_SECOND && ctx.channel().isActive()) {
            // Lingering close: keep reading (and discarding) until the client answers the close frame, at
            // most CLOSE_LINGER_SECONDS; closing at once with unread input would reset the connection and
            // the client would never read the code.
            closingForPings = true;
            ctx.writeAndFlush(new CloseWebSocketFrame(1008, "too many pings"));
            ctx.executor().schedule(() -> ctx.close(), CLOSE_LINGER_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        }
        return false;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (closingForPings && !(msg instanceof CloseWebSocketFrame)) return; // our close is out: discard
            switch (msg) {
                case PingWebSocketFrame ping -> {
                    if (pingAllowed()) ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
                }
                case PongWebSocketFrame pong -> { }
                case CloseWebSocketFrame close -> ctx.writeAndFlush(closeReply(close))
                        .addListener(ChannelFutureListener.CLOSE);
                // read() releases what it is given; the finally below releases the frame itself
                case WebSocketFrame data -> fragments = WsMessages.read(data.retain(), fragments, maxPayload, ctx.alloc(), this);
                default -> { }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void message(ByteBuf content, boolean text) {
        EngineIoSocket target = socket;
        if (target == null) return;
        if (text) {
            String data = content.toString(StandardCharsets.UTF_8);
            target.loop().execute(() -> target.onWsText(this, data));
        } else {
            byte[] data = ByteBufUtil.getBytes(content);
            target.loop().execute(() -> target.onWsBinary(this, data));
        }
    }

    @Override
    public void refused(int closeCode) {
        ctx.writeAndFlush(new CloseWebSocketFrame(closeCode, closeCode == WsMessages.TOO_BIG ? "message too big"
                : closeCode == WsMessages.INVALID_DATA ? "invalid UTF-8" : "protocol error")).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * RFC 6455 section 5.5.1: the reply to a close frame echoes its status code; a close frame without
     * a status code (a client's plain {@code close()}) is answered with an empty close frame. Netty
     * reports the missing code as -1, which must never be put on the wire (it would read as 65535,
     * an invalid code that clients such as {@code ws} reject as a protocol error).
     */
    static CloseWebSocketFrame closeReply(CloseWebSocketFrame received) {
        int code = received.statusCode();
        return code < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, "");
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        WsMessages.release(fragments);
        fragments = null;
        EngineIoSocket target = socket;
        if (target != null) {
            target.loop().execute(() -> target.onWsClosed(this));
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        EngineIoSocket target = socket;
        if (target != null && ctx.channel().isWritable()) {
            target.loop().execute(target::writableAgain);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    boolean isWritable() {
        return ctx.channel().isWritable();
    }

    /**
     * Writes without flushing. A frame with pre-encoded WebSocket bytes (a broadcast shared by many
     * sockets) goes out as those bytes, past the frame encoder, from a direct buffer shared by the
     * receivers written by the same loop ({@link SharedFrames}); write failures close the channel
     * through {@link #exceptionCaught} (void promise: no promise per write).
     */
    void write(EngineIoCodec.Frame frame) {
        if (frame.wsFrame() != null) {
            ctx.write(SharedFrames.of(frame.wsFrame(), ctx.alloc()), ctx.voidPromise());
            return;
        }
        ctx.write(frame.binary()
                ? new BinaryWebSocketFrame(Unpooled.wrappedBuffer(frame.bytes()))
                : new TextWebSocketFrame(Unpooled.wrappedBuffer(frame.bytes())), ctx.voidPromise());
    }

    void flush() {
        ctx.flush();
    }

    void close() {
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
