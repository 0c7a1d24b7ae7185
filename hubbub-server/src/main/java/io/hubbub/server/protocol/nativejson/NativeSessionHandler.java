package io.hubbub.server.protocol.nativejson;

import io.hubbub.core.node.HubbubNode;
import io.hubbub.core.protocol.Envelope;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.limit.TokenBucket;
import io.hubbub.core.session.CloseReason;
import io.hubbub.core.session.Session;
import io.hubbub.server.transport.LoopTicker;
import io.hubbub.server.transport.NativeConnection;
import io.hubbub.server.transport.TransportStats;
import io.hubbub.server.transport.WsMessages;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Binds one native WebSocket connection to its core {@link Session}, straight behind Netty's WebSocket
 * decoder: {@link WsMessages} joins a message's fragments (more than the wire limit closes with 1009)
 * and checks text as UTF-8 (else 1007), and the message is decoded by its {@link InboundMessages};
 * envelopes go to the node's dispatcher (on this channel's event loop, which is the session's
 * executor), decode errors are answered, and heartbeats are kept: after each quiet interval the
 * server pings; a connection silent for the heartbeat timeout is closed with 4009. Closing the channel
 * ends the session. (One handler does what a validator, an aggregator and a decoder would: each
 * handler costs an idle connection its context.)
 *
 * <p>Time comes from the event loop's {@link LoopTicker} (one task per loop, not a timer per
 * connection), every {@link #tickPeriod} of the heartbeat interval: quiet time is counted from the
 * first tick after the last frame, so a ping or a timeout comes up to one tick period late, never early.
 * The same tick hands back the outbound queue of a connection that sent nothing for a whole tick.
 */
public final class NativeSessionHandler extends ChannelInboundHandlerAdapter implements LoopTicker.Member, WsMessages.Sink {
    private static final Logger log = LoggerFactory.getLogger(NativeSessionHandler.class);

    private final HubbubNode node;
    private final Session session;
    private final NativeConnection connection;
    private final TransportStats stats;
    private final int idleIntervalsBeforeClose;
    private final TokenBucket controlFrames;
    private final InboundMessages messages;
    private final long intervalNanos;
    private int quietIntervals;
    private int controlRefusedInARow;
    // event-loop confined heartbeat state
    private boolean readSinceTick;
    private long nextPingAt;
    private int tickerSlot = -1;
    private LoopTicker ticker;
    private ChannelHandlerContext ctx;
    private WsMessages fragments; // a message whose final fragment has not come yet; null otherwise

    /**
     * @param controlFrames the rate of WebSocket ping/pong frames this client may send (the frame rate
     *                      limit's rate and burst, in a bucket of its own): a ping over it gets no pong,
     *                      and a burst's worth of them in a row closes the connection with 4029
     * @param heartbeatInterval quiet time before each server ping
     * @param messages   how a complete message is decoded (the native protocol or an adapter's format)
     */
    public NativeSessionHandler(HubbubNode node, Session session, NativeConnection connection, TransportStats stats,
                                long heartbeatInterval, TimeUnit unit, int idleIntervalsBeforeClose, TokenBucket controlFrames,
                                InboundMessages messages) {
        this.controlFrames = controlFrames;
        this.messages = messages;
        this.intervalNanos = unit.toNanos(heartbeatInterval);
        this.node = node;
        this.session = session;
        this.connection = connection;
        this.stats = stats;
        this.idleIntervalsBeforeClose = idleIntervalsBeforeClose;
    }

    /**
     * The tick period for a heartbeat interval: a fifth of it (a ping at most 20 % late), at most one
     * second (an idle connection's queue goes back within two seconds), at least a millisecond.
     */
    public static long tickPeriod(long intervalNanos) {
        return Math.clamp(intervalNanos / 5, TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.SECONDS.toNanos(1));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        nextPingAt = System.nanoTime() + intervalNanos;
        ticker = LoopTicker.of(ctx.channel().eventLoop());
        ticker.add(this, tickPeriod(intervalNanos), TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        leaveTicker();
        dropFragments();
    }

    private void dropFragments() {
        WsMessages.release(fragments);
        fragments = null;
    }

    private void leaveTicker() {
        if (ticker != null) ticker.remove(this);
    }

    @Override
    public void tick(long now) {
        if (!ctx.channel().isOpen()) { // closed before this handler was added: no callback will remove it
            leaveTicker();
            return;
        }
        connection.tick();
        if (readSinceTick) {
            readSinceTick = false;
            quietIntervals = 0;
            nextPingAt = now + intervalNanos;
            return;
        }
        if (now - nextPingAt < 0) return;
        nextPingAt = now + intervalNanos;
        if (++quietIntervals >= idleIntervalsBeforeClose) {
            connection.close(CloseReason.HEARTBEAT_TIMEOUT);
        } else {
            ctx.writeAndFlush(new PingWebSocketFrame());
        }
    }

    @Override
    public int tickerSlot() {
        return tickerSlot;
    }

    @Override
    public void tickerSlot(int slot) {
        tickerSlot = slot;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        readSinceTick = true;
        if (connection.isClosing() && !(msg instanceof CloseWebSocketFrame)) {
            // our close frame is out; until the client answers it, its frames are read and dropped
            ReferenceCountUtil.release(msg);
            return;
        }
        switch (msg) {
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
            case WebSocketFrame data -> fragments = WsMessages.read(data, fragments, messages.wireLimit(), ctx.alloc(), this);
            default -> dispatch(msg);
        }
    }

    /** What a protocol adapter's codec produced on its own (e.g. from the URL), as if the client had sent it first. */
    void opened(Object decoded) {
        if (!connection.isClosing()) dispatch(decoded);
    }

    private void dispatch(Object msg) {
        switch (msg) {
            case Envelope e -> {
                stats.received();
                node.handle(session, e);
            }
            case NativeCodec.DecodeException e -> node.fail(session, e.id(), e);
            case HubbubException e -> node.fail(session, null, e);
            default -> ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void message(ByteBuf content, boolean text) {
        if (!text) {
            dispatch(messages.binary());
            return;
        }
        for (Object decoded : messages.text(content)) dispatch(decoded);
    }

    @Override
    public void refused(int closeCode) {
        log.debug("closing {}: a message refused with {}", session.id(), closeCode);
        connection.close(closeCode == WsMessages.TOO_BIG ? CloseReason.TOO_BIG
                : closeCode == WsMessages.INVALID_DATA ? CloseReason.INVALID_DATA : CloseReason.PROTOCOL_ERROR);
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
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) connection.writableAgain();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        leaveTicker();
        dropFragments();
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
            refused(c.closeStatus() == null ? WsMessages.PROTOCOL_ERROR : c.closeStatus().code());
        } else if (cause instanceof DecompressionException || cause.getCause() instanceof DecompressionException) {
            // permessage-deflate: the frame inflated past the wire frame limit (HubbubInitializer's maxAllocation)
            log.debug("closing {}: {}", session.id(), cause.getMessage());
            connection.close(CloseReason.TOO_BIG);
        } else {
            log.debug("connection error on {}", session.id(), cause);
            ctx.close();
        }
    }
}
