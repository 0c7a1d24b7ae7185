package io.hubbub.server.transport;

import io.hubbub.core.feature.adapter.AdapterCodec;
import io.hubbub.core.protocol.Outbound;
import io.hubbub.core.session.CloseReason;
import io.hubbub.core.session.SessionTransport;
import io.hubbub.server.protocol.nativejson.NativeCodec;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * A native-protocol WebSocket connection as the core sees it.
 *
 * <p>Outbound path: {@link #send} (any thread) appends to the connection's {@link Outbox} and schedules one
 * drain on the channel's event loop (batched with the loop's other drains, see {@link LoopBatcher}); the
 * drain writes every queued frame without flushing (a broadcast's shared bytes, {@link SharedFrames}) and
 * flushes once, so a burst of messages costs one syscall per connection per loop iteration. The drain
 * stops while the channel is not writable (its Netty buffer is over the high-water mark) and resumes
 * on writability, so memory per connection is bounded by {@code maxFrames} queued references plus the
 * water mark. Droppable (ephemeral) pushes are shed once the queue is half full or the socket is
 * backed up; when the queue is full, anything else closes the connection as a slow consumer (the
 * client resumes and recovers, rather than silently missing data).
 */
public final class NativeConnection implements SessionTransport {
    private static final Logger log = LoggerFactory.getLogger(NativeConnection.class);
    /** How long a closing connection waits for the client's close frame before dropping the socket. */
    static final long CLOSE_LINGER_MS = 2000;
    private final Channel channel;
    private final String remoteAddress;
    private final int maxFrames;
    private final boolean deflate;
    private final int deflateMinBytes;
    private final Outbox outbox;
    private static final AtomicIntegerFieldUpdater<NativeConnection> CLOSING =
            AtomicIntegerFieldUpdater.newUpdater(NativeConnection.class, "closing");
    private volatile int closing; // 1 once close was called; a field, not an AtomicBoolean: one per connection
    private final TransportStats stats;
    private final AdapterCodec codec; // null: native frames, encoded once per broadcast
    private final String protocol;
    private boolean drainedSinceTick; // event loop only

    public NativeConnection(Channel channel, String remoteAddress, int maxFrames, boolean deflate, int deflateMinBytes,
                            TransportStats stats) {
        this(channel, remoteAddress, maxFrames, deflate, deflateMinBytes, stats, null, "native");
    }

    /** A connection whose frames a feature's adapter encodes ({@code codec}), named {@code protocol} in stats and logs. */
    public NativeConnection(Channel channel, String remoteAddress, int maxFrames, boolean deflate, int deflateMinBytes,
                            TransportStats stats, AdapterCodec codec, String protocol) {
        this.codec = codec;
        this.protocol = protocol;
        this.channel = channel;
        this.remoteAddress = remoteAddress;
        this.maxFrames = maxFrames;
        this.outbox = new Outbox(maxFrames, channel.eventLoop(), this::drain, () -> close(CloseReason.SLOW_CONSUMER), stats);
        this.deflate = deflate;
        this.deflateMinBytes = deflateMinBytes;
        this.stats = stats;
    }

    @Override
    public boolean send(Outbound frame) {
        if (closing != 0) return false;
        return outbox.offer(frame, !channel.isWritable());
    }

    /** On the event loop: writes queued frames while writable, then flushes once. */
    void drain() {
        outbox.drainStarting();
        if (!channel.isActive()) return;
        int written = 0;
        Outbound f;
        while (channel.isWritable() && (f = outbox.poll()) != null) {
            write(f);
            written++;
        }
        if (written > 0) {
            channel.flush();
            stats.sent(written);
            drainedSinceTick = true;
        }
    }

    /**
     * The loop's periodic tick (see {@link LoopTicker}): a connection that wrote nothing since the last
     * tick hands its outbound queue back (it is made again by the next frame). Event loop only.
     */
    public void tick() {
        if (drainedSinceTick) drainedSinceTick = false;
        else outbox.release();
    }

    private void write(Outbound f) {
        if (codec != null) {
            // a foreign format: encoded per connection by its adapter (on this event loop, like decode)
            List<String> texts;
            try {
                texts = codec.encode(f);
            } catch (RuntimeException e) {
                log.warn("{} adapter could not encode a {} frame; dropped", protocol, f.getClass().getSimpleName(), e);
                return;
            }
            for (String text : texts) channel.write(new TextWebSocketFrame(text), channel.voidPromise());
            return;
        }
        byte[] frame = NativeCodec.wsFrame(f);
        if (deflate && frame.length >= deflateMinBytes) {
            // let the permessage-deflate encoder compress large frames; small ones go raw (uncompressed
            // frames are valid under permessage-deflate)
            int header = frame.length - payloadLength(frame);
            channel.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(frame, header, frame.length - header)), channel.voidPromise());
        } else {
            // the broadcast's bytes, copied into direct memory once per event loop
            channel.write(SharedFrames.of(frame, channel.alloc()), channel.voidPromise());
        }
    }

    private static int payloadLength(byte[] frame) {
        int b = frame[1] & 0x7f;
        if (b < 126) return b;
        if (b == 126) return ((frame[2] & 0xff) << 8) | (frame[3] & 0xff);
        return frame.length - 10;
    }

    /** Called by the pipeline when the channel becomes writable again. */
    public void writableAgain() {
        if (outbox.size() > 0) outbox.schedule();
    }

    @Override
    public void close(CloseReason reason) {
        if (!CLOSING.compareAndSet(this, 0, 1)) return;
        channel.eventLoop().execute(() -> {
            if (reason != CloseReason.SLOW_CONSUMER) {
                Outbound f;
                while ((f = outbox.poll()) != null) write(f);
            }
            if (!channel.isActive()) return;
            if (reason == CloseReason.SLOW_CONSUMER || reason == CloseReason.HEARTBEAT_TIMEOUT) {
                // No point waiting for an answer. A slow consumer's socket is full, so the close frame
                // cannot get through (it is tried, in case the buffer just drained) and waiting would only
                // keep the connection and its buffers alive. A client past the heartbeat timeout is silent
                // (nothing unread, so closing now still delivers the frame) and must leave presence now.
                channel.writeAndFlush(new CloseWebSocketFrame(reason.code(), reason.reason()), channel.voidPromise());
                channel.close();
                return;
            }
            // RFC 6455 §7.1.1: after its close frame the server waits for the client's close (the session
            // handler closes the channel when it arrives). Closing the socket at once while the client is
            // still sending would reset the connection and the client could lose the close frame and its
            // code (e.g. 4029, which tells it to reconnect slower). A client that never answers is cut off
            // after the linger.
            channel.writeAndFlush(new CloseWebSocketFrame(reason.code(), reason.reason()))
                    .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            channel.eventLoop().schedule(() -> {
                channel.close();
            }, CLOSE_LINGER_MS, TimeUnit.MILLISECONDS);
        });
    }

    /** True once {@link #close} was called: inbound frames are no longer dispatched. */
    public boolean isClosing() {
        return closing != 0;
    }

    @Override
    public Executor executor() {
        return channel.eventLoop();
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public String protocol() {
        return protocol;
    }

    @Override
    public boolean isOpen() {
        return closing == 0 && channel.isActive();
    }

    public int queued() {
        return outbox.size();
    }

    /** Whether an outbound queue is allocated now (diagnostics: an idle connection holds none). */
    public boolean holdsQueue() {
        return outbox.hasQueue();
    }
}
