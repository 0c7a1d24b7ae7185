package io.hubbub.server.protocol.nativejson;

import io.hubbub.core.node.HubbubNode;
import io.hubbub.core.protocol.Envelope;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.limit.TokenBucket;
import io.hubbub.core.session.CloseReason;
import io.hubbub.core.session.Session;
import io.hubbub.server.transport.NativeConnection;
import io.hubbub.server.transport.TransportStats;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds one native WebSocket connection to its core {@link Session}: decoded envelopes go to the
 * node's dispatcher (on this channel's event loop, which is the session's executor), decode errors
 * are answered, and heartbeats are kept: after each quiet interval the server pings; a connection
 * silent for the heartbeat timeout is closed with 4009. Closing the channel ends the session.
 */
public final class NativeSessionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(NativeSessionHandler.class);

    private final HubbubNode node;
    private final Session session;
    private final NativeConnection connection;
    private final TransportStats stats;
    private final int idleIntervalsBeforeClose;
    private final TokenBucket controlFrames;
    private int quietIntervals;
    private int controlRefusedInARow;

    /**
     * @param controlFrames the rate of WebSocket ping/pong frames this client may send (the frame rate
     *                      limit's rate and burst, in a bucket of its own): a ping over it gets no pong,
     *                      and a burst's worth of them in a row closes the connection with 4029
     */
    public NativeSessionHandler(HubbubNode node, Session session, NativeConnection connection, TransportStats stats,
                                int idleIntervalsBeforeClose, TokenBucket controlFrames) {
        this.controlFrames = controlFrames;
        this.node = node;
        this.session = session;
        this.connection = connection;
        this.stats = stats;
        this.idleIntervalsBeforeClose = idleIntervalsBeforeClose;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        quietIntervals = 0;
        if (connection.isClosing() && !(msg instanceof CloseWebSocketFrame)) {
            // our close frame is out; until the client answers it, its frames are read and dropped
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        switch (msg) {
            case Envelope e -> {
                stats.received();
                node.handle(session, e);
            }
            case NativeCodec.DecodeException e -> node.fail(session, e.id(), e);
            case HubbubException e -> node.fail(session, null, e);
            case PongWebSocketFrame pong -> {
                pong.release();
                controlFrame();
            }
            case PingWebSocketFrame ping -> {
                if (controlFrame()) ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
                else ping.release();
            }
            case CloseWebSocketFrame close -> {
                close.release();
                ctx.close();
            }
            default -> ctx.fireChannelRead(msg);
        }
    }

    /** Charges one ping/pong to its bucket; false when over the rate (and closes a sustained flood with 4029). */
    private boolean controlFrame() {
        if (controlFrames.tryAcquire()) {
            controlRefusedInARow = 0;
            return true;
        }
        if (++controlRefusedInARow >= Math.max(1, controlFrames.burst())) {
            node.telemetry().limitHit("frames");
            connection.close(CloseReason.FLOOD);
        }
        return false;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (++quietIntervals >= idleIntervalsBeforeClose) {
                connection.close(CloseReason.HEARTBEAT_TIMEOUT);
            } else {
                ctx.writeAndFlush(new PingWebSocketFrame());
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) connection.writableAgain();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        node.closed(session);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A frame over the wire limit or a broken frame: the WebSocket decoder discards all further
        // input, and the connection is closed with the documented code through the lingering close,
        // so the client reads the code instead of a reset.
        if (cause instanceof CorruptedWebSocketFrameException c) {
            log.debug("closing {}: {}", session.id(), c.getMessage());
            int code = c.closeStatus() == null ? 0 : c.closeStatus().code();
            connection.close(code == CloseReason.TOO_BIG.code() ? CloseReason.TOO_BIG
                    : code == CloseReason.INVALID_DATA.code() ? CloseReason.INVALID_DATA : CloseReason.PROTOCOL_ERROR);
        } else if (cause instanceof DecompressionException || cause.getCause() instanceof DecompressionException) {
            // permessage-deflate: the frame inflated past the wire frame limit (HubbubInitializer's maxAllocation)
            log.debug("closing {}: {}", session.id(), cause.getMessage());
            connection.close(CloseReason.TOO_BIG);
        } else if (cause instanceof TooLongFrameException) {
            log.debug("closing {}: {}", session.id(), cause.getMessage());
            connection.close(CloseReason.TOO_BIG);
        } else {
            log.debug("connection error on {}", session.id(), cause);
            ctx.close();
        }
    }
}
