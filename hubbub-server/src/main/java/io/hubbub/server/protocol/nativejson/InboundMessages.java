package io.hubbub.server.protocol.nativejson;

import io.hubbub.core.feature.adapter.AdapterCodec;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A complete WebSocket message (its fragments already joined by {@link NativeSessionHandler}, text already
 * checked as UTF-8) → what the session handler dispatches: core envelopes, or a {@link HubbubException}
 * as a message for one that cannot be decoded, answered with its documented error while the connection
 * stays usable. A message over {@code maxFrameBytes} is refused before any parsing.
 *
 * <p>The native form is stateless and shared by every connection of an endpoint; an adapter's holds the
 * connection's codec. Neither is a pipeline handler: an idle connection pays for no handler context here.
 */
public abstract sealed class InboundMessages {
    private final int maxFrameBytes;
    private final int wireLimit;

    private InboundMessages(int maxFrameBytes, int wireLimit) {
        this.maxFrameBytes = maxFrameBytes;
        this.wireLimit = wireLimit;
    }

    /** The native JSON protocol: one envelope per text message. */
    public static InboundMessages nativeJson(int maxFrameBytes, int wireLimit) {
        return new Native(maxFrameBytes, wireLimit);
    }

    /** A protocol adapter's format: zero or more envelopes per text message, through the connection's codec. */
    static InboundMessages adapter(AdapterCodec codec, int maxFrameBytes, int wireLimit) {
        return new Adapter(codec, maxFrameBytes, wireLimit);
    }

    /** Largest message, all fragments together, before the connection is closed with 1009. */
    int wireLimit() {
        return wireLimit;
    }

    /** A text message of valid UTF-8: what to dispatch, in order. */
    final List<?> text(ByteBuf utf8) {
        int size = utf8.readableBytes();
        if (size > maxFrameBytes) {
            return List.of(new HubbubException(ErrorCode.TOO_LARGE, "frame of " + size + " bytes is over the limit of " + maxFrameBytes));
        }
        try {
            return decode(utf8);
        } catch (HubbubException e) {
            return List.of(e);
        }
    }

    /** A binary message: refused (both formats are JSON text), the connection kept. */
    abstract HubbubException binary();

    abstract List<?> decode(ByteBuf utf8);

    private static final class Native extends InboundMessages {
        Native(int maxFrameBytes, int wireLimit) {
            super(maxFrameBytes, wireLimit);
        }

        @Override
        HubbubException binary() {
            return new NativeCodec.DecodeException(null, "binary frames are not supported: send JSON text frames");
        }

        @Override
        List<?> decode(ByteBuf utf8) {
            return List.of(NativeCodec.decode(new ByteBufInputStream(utf8)));
        }
    }

    private static final class Adapter extends InboundMessages {
        private final AdapterCodec codec;

        Adapter(AdapterCodec codec, int maxFrameBytes, int wireLimit) {
            super(maxFrameBytes, wireLimit);
            this.codec = codec;
        }

        @Override
        HubbubException binary() {
            return HubbubException.badRequest("binary frames are not supported: send JSON text frames");
        }

        @Override
        List<?> decode(ByteBuf utf8) {
            try {
                return codec.decode(utf8.toString(StandardCharsets.UTF_8));
            } catch (HubbubException e) {
                throw e;
            } catch (RuntimeException e) {
                throw HubbubException.badRequest("malformed frame");
            }
        }
    }
}
