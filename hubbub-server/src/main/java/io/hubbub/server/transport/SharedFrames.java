package io.hubbub.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Complete WebSocket frames encoded once per broadcast ({@code byte[]}, see {@link WsFrames}) as
 * direct buffers shared by the receivers of one event loop: the first receiver on a loop copies the
 * bytes into one pooled direct buffer, every receiver writes a {@code retainedDuplicate} of it. So a
 * broadcast costs one copy per loop instead of one heap-to-direct copy per receiver (the socket
 * transport copies any heap buffer it is given into a direct one before {@code writev}).
 *
 * <p>Contract: the frame array must never change (the cache is keyed by its identity) and the caller
 * must be an event-loop thread (the memo is per thread). Memory: at most {@link #SLOTS} buffers per
 * thread stay referenced by the memo after their broadcast; a buffer is released when its slot is
 * reused, and lives on only in the duplicates still queued in channels.
 */
public final class SharedFrames {
    /** Distinct broadcasts remembered per loop: several rooms may interleave within one drain. */
    static final int SLOTS = 8;

    private static final class Memo {
        final byte[][] keys = new byte[SLOTS][];
        final ByteBuf[] bufs = new ByteBuf[SLOTS];
        int next;
    }

    private static final FastThreadLocal<Memo> MEMO = new FastThreadLocal<>() {
        @Override
        protected Memo initialValue() {
            return new Memo();
        }
    };

    private SharedFrames() {}

    /** A buffer holding {@code frame} that the caller owns (one reference), sharing memory with the loop's other receivers. */
    public static ByteBuf of(byte[] frame, ByteBufAllocator alloc) {
        Memo m = MEMO.get();
        for (int i = 0; i < SLOTS; i++) {
            if (m.keys[i] == frame) return m.bufs[i].retainedDuplicate();
        }
        ByteBuf buf = alloc.directBuffer(frame.length, frame.length).writeBytes(frame);
        int slot = m.next;
        m.next = (slot + 1) % SLOTS;
        ByteBuf old = m.bufs[slot];
        if (old != null) old.release();
        m.keys[slot] = frame;
        m.bufs[slot] = buf;
        return buf.retainedDuplicate();
    }
}
