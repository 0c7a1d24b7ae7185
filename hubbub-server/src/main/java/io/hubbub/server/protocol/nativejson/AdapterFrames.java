package io.hubbub.server.protocol.nativejson;

import io.hubbub.core.auth.Principal;
import io.hubbub.core.feature.adapter.AdapterCodec;
import io.hubbub.core.feature.adapter.AdapterConnection;
import io.hubbub.core.feature.adapter.ProtocolAdapter;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.session.Session;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The pieces a {@link ProtocolAdapter} needs on the native transport: the per-connection codec bound
 * to its session, and a decoder that turns text frames into core envelopes through it. Decode errors
 * become messages (not exception events), answered like native decode errors: the connection stays
 * usable.
 */
final class AdapterFrames {
    private AdapterFrames() {}

    /** A connection's codec and what the codec may know of the connection. */
    static final class Binding implements AdapterConnection {
        private final String remoteAddress;
        private final java.util.Map<String, List<String>> query;
        private final AdapterCodec codec;
        private volatile Session session;

        private Binding(ProtocolAdapter adapter, String remoteAddress, java.util.Map<String, List<String>> query) {
            this.remoteAddress = remoteAddress;
            this.query = query;
            this.codec = adapter.open(this);
        }

        AdapterCodec codec() {
            return codec;
        }

        void session(Session s) {
            this.session = s;
        }

        @Override
        public Principal principal() {
            Session s = session;
            return s == null ? null : s.principal();
        }

        @Override
        public String remoteAddress() {
            return remoteAddress;
        }

        @Override
        public String query(String name) {
            List<String> v = query.get(name);
            return v == null || v.isEmpty() ? null : v.getFirst();
        }
    }

    static Binding bind(ProtocolAdapter adapter, String remoteAddress, java.util.Map<String, List<String>> query) {
        return new Binding(adapter, remoteAddress, query);
    }

    /** Text frames → envelopes through the codec; size-checked before decoding. Control frames pass on. */
    static final class Decoder extends MessageToMessageDecoder<WebSocketFrame> {
        private final AdapterCodec codec;
        private final int maxFrameBytes;

        Decoder(AdapterCodec codec, int maxFrameBytes) {
            this.codec = codec;
            this.maxFrameBytes = maxFrameBytes;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
            if (frame instanceof BinaryWebSocketFrame) {
                out.add(HubbubException.badRequest("binary frames are not supported: send JSON text frames"));
                return;
            }
            if (!(frame instanceof TextWebSocketFrame)) {
                out.add(frame.retain());
                return;
            }
            int size = frame.content().readableBytes();
            if (size > maxFrameBytes) {
                out.add(new HubbubException(ErrorCode.TOO_LARGE, "frame of " + size + " bytes is over the limit of " + maxFrameBytes));
                return;
            }
            try {
                out.addAll(codec.decode(frame.content().toString(StandardCharsets.UTF_8)));
            } catch (HubbubException e) {
                out.add(e);
            } catch (RuntimeException e) {
                out.add(HubbubException.badRequest("malformed frame"));
            }
        }
    }
}
