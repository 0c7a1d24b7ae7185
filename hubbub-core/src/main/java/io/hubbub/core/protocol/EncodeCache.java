package io.hubbub.core.protocol;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Per-message cache of encoded bytes, one slot per codec. Thread-safe: two threads that race to
 * fill a slot both encode and one result wins, which is harmless because encoding is pure.
 * Slots hold immutable byte arrays so no reference counting is needed.
 */
public final class EncodeCache {
    /** Slot numbers handed out to codecs; a codec keeps its slot in a static final. */
    public static final int NATIVE_TEXT = 0;
    public static final int SOCKETIO_WS = 1;
    public static final int SOCKETIO_POLLING = 2;
    public static final int SLOTS = 4;

    private final AtomicReferenceArray<byte[]> slots = new AtomicReferenceArray<>(SLOTS);

    public byte[] get(int slot) {
        return slots.get(slot);
    }

    public byte[] putIfAbsent(int slot, byte[] bytes) {
        return slots.compareAndSet(slot, null, bytes) ? bytes : slots.get(slot);
    }
}
