package io.hubbub.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

import java.nio.charset.StandardCharsets;

/**
 * WebSocket data frames → whole messages, for a connection handler placed right behind Netty's WebSocket
 * decoder, in place of Netty's UTF-8 validator and frame aggregator (each pipeline handler costs an idle
 * connection its context). A message's fragments are joined (control frames may come between them; they
 * never reach this class); the whole message must stay under a limit, else 1009; a text message must be
 * valid UTF-8, overlong forms and surrogates included, else 1007 — checked once the message is whole, so
 * a character may straddle two fragments. Netty's decoder has already refused fragments out of order.
 *
 * <p>An instance exists only while a message is in fragments: the handler keeps one field, null otherwise,
 * and replaces it with what {@link #read} returns. Event-loop confined, like the handler.
 */
public final class WsMessages {
    /** Close codes of a refused message. */
    public static final int PROTOCOL_ERROR = 1002, INVALID_DATA = 1007, TOO_BIG = 1009;

    /** What the handler does with a whole message, or with a refused one. */
    public interface Sink {
        /** A whole message (text already checked as UTF-8); {@code content} is released after this returns. */
        void message(ByteBuf content, boolean text);

        /** The message was refused with this close code ({@link #INVALID_DATA}, {@link #TOO_BIG}, {@link #PROTOCOL_ERROR}). */
        void refused(int closeCode);
    }

    private final CompositeByteBuf parts;
    private final boolean text;

    private WsMessages(CompositeByteBuf parts, boolean text) {
        this.parts = parts;
        this.text = text;
    }

    /**
     * One data frame (text, binary or continuation; released here). Returns the message still in fragments,
     * or null once it was delivered or refused; {@code pending} is what the previous call returned.
     */
    public static WsMessages read(WebSocketFrame frame, WsMessages pending, int limit, ByteBufAllocator alloc, Sink sink) {
        boolean last = frame.isFinalFragment();
        if (frame instanceof ContinuationWebSocketFrame) {
            if (pending == null) { // not reached: the decoder refuses a continuation outside a fragmented message
                frame.release();
                sink.refused(PROTOCOL_ERROR);
                return null;
            }
            if (!pending.add(frame, limit, sink)) return null;
            if (!last) return pending;
            try {
                deliver(pending.parts, pending.text, sink);
            } finally {
                pending.parts.release();
            }
            return null;
        }
        if (pending != null) pending.parts.release(); // not reached: a new message inside a fragmented one is refused upstream
        boolean text = frame instanceof TextWebSocketFrame;
        if (last) {
            try {
                deliver(frame.content(), text, sink);
            } finally {
                frame.release();
            }
            return null;
        }
        WsMessages started = new WsMessages(alloc.compositeBuffer(1024), text);
        return started.add(frame, limit, sink) ? started : null;
    }

    /** Drops a message left in fragments (the connection closed). */
    public static void release(WsMessages pending) {
        if (pending != null) pending.parts.release();
    }

    /** Adds a fragment's bytes and releases the frame; false (everything released, refused 1009) past the limit. */
    private boolean add(WebSocketFrame f, int limit, Sink sink) {
        ByteBuf part = f.content();
        if (parts.readableBytes() + part.readableBytes() > limit) {
            f.release();
            parts.release();
            sink.refused(TOO_BIG);
            return false;
        }
        parts.addComponent(true, part.retain());
        f.release();
        return true;
    }

    private static void deliver(ByteBuf content, boolean text, Sink sink) {
        if (text && !ByteBufUtil.isText(content, StandardCharsets.UTF_8)) sink.refused(INVALID_DATA);
        else sink.message(content, text);
    }
}
