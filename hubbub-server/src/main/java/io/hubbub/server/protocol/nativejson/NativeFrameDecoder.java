package io.hubbub.server.protocol.nativejson;

import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

import java.util.List;

/**
 * Text frames → {@link io.hubbub.core.protocol.Envelope}. A frame that cannot be decoded becomes a
 * {@link NativeCodec.DecodeException} message (not an exception event), so the session handler answers
 * it with a documented error and the connection stays usable. Frames over the size limit are refused
 * before any parsing. Control frames pass through to the session handler.
 */
public final class NativeFrameDecoder extends MessageToMessageDecoder<WebSocketFrame> {
    private final int maxFrameBytes;

    public NativeFrameDecoder(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
        if (frame instanceof BinaryWebSocketFrame) {
            out.add(new NativeCodec.DecodeException(null, "binary frames are not supported: send JSON text frames"));
            return;
        }
        if (!(frame instanceof TextWebSocketFrame)) {
            out.add(frame.retain()); // ping, pong, close: answered by the session handler
            return;
        }
        int size = frame.content().readableBytes();
        if (size > maxFrameBytes) {
            out.add(new HubbubException(ErrorCode.TOO_LARGE, "frame of " + size + " bytes is over the limit of " + maxFrameBytes));
            return;
        }
        try {
            out.add(NativeCodec.decode(new ByteBufInputStream(frame.content())));
        } catch (HubbubException e) {
            out.add(e);
        }
    }
}
