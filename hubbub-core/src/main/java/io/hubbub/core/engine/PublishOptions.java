package io.hubbub.core.engine;

import java.time.Duration;

/**
 * How a publication is kept. {@code historySize == 0} or an ephemeral publication is not recorded and
 * gets offset 0. History is trimmed to the last {@code historySize} entries, to at most
 * {@code historyMaxBytes} bytes of publication bodies (oldest first; {@code 0} = no byte bound), and
 * entries older than {@code historyTtl}; an idle stream's metadata (epoch, top offset) lives for
 * {@code streamTtl}. Trimming never changes the epoch: a reader whose position fell off the front of the
 * history can no longer recover ({@link HistoryResult#canRecoverFrom} is false), it never gets a partial replay.
 *
 * <p>{@code idempotencyKey} (null = none) makes a recorded publish idempotent: while a publication made
 * with the same key is still in the channel's history (same epoch), publishing again with that key
 * publishes nothing and completes with the original position. The broker keeps the key exactly as long as
 * the history entry, so the dedupe window is the history window. Callers namespace keys per sender (a
 * client cannot collide with another user's key). Ignored for unrecorded publications.
 */
public record PublishOptions(int historySize, Duration historyTtl, Duration streamTtl, long historyMaxBytes,
                             String idempotencyKey) {
    public static final PublishOptions NO_HISTORY = new PublishOptions(0, Duration.ZERO, Duration.ZERO);

    public PublishOptions(int historySize, Duration historyTtl, Duration streamTtl) {
        this(historySize, historyTtl, streamTtl, 0, null);
    }

    public PublishOptions {
        if (historyMaxBytes < 0) throw new IllegalArgumentException("historyMaxBytes must be >= 0");
    }

    public boolean recorded() {
        return historySize > 0;
    }

    /** These options with a byte bound on the history ({@code 0} = none). */
    public PublishOptions withHistoryMaxBytes(long maxBytes) {
        return new PublishOptions(historySize, historyTtl, streamTtl, maxBytes, idempotencyKey);
    }

    /** These options with an idempotency key (null = none). */
    public PublishOptions withIdempotencyKey(String key) {
        return new PublishOptions(historySize, historyTtl, streamTtl, historyMaxBytes, key);
    }
}
