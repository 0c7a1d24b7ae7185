package io.hubbub.core.engine;

import java.time.Duration;

/**
 * How a publication is kept. {@code historySize == 0} or an ephemeral publication is not recorded and
 * gets offset 0. History is trimmed to the last {@code historySize} entries and entries older than
 * {@code historyTtl}; an idle stream's metadata (epoch, top offset) lives for {@code streamTtl}.
 */
public record PublishOptions(int historySize, Duration historyTtl, Duration streamTtl) {
    public static final PublishOptions NO_HISTORY = new PublishOptions(0, Duration.ZERO, Duration.ZERO);

    public boolean recorded() {
        return historySize > 0;
    }
}
