package io.hubbub.server.http;

import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;

/** {@code rate_limited} with a wait: the HTTP API answers 429 with {@code Retry-After: retryAfterSeconds}. */
public final class RetryLater extends HubbubException {
    private final long retryAfterSeconds;

    public RetryLater(long retryAfterSeconds, String message) {
        super(ErrorCode.RATE_LIMITED, message);
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
