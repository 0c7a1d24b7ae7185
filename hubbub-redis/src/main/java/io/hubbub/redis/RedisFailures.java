package io.hubbub.redis;

import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.lettuce.core.RedisCommandExecutionException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Maps Lettuce failures to the engine's error contract: Redis not there or not ready means {@code unavailable}. */
final class RedisFailures {
    private RedisFailures() {}

    static HubbubException map(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof HubbubException he) return he;
        if (c instanceof RedisCommandExecutionException e && !transientError(e.getMessage())) {
            return new HubbubException(ErrorCode.INTERNAL, "redis command failed");
        }
        // Connection refused/closed, "not connected" rejections, timeouts, cluster down, loading.
        if (c instanceof io.lettuce.core.RedisException || c instanceof java.io.IOException
                || c instanceof java.util.concurrent.TimeoutException) {
            return new HubbubException(ErrorCode.UNAVAILABLE, "redis unavailable");
        }
        return new HubbubException(ErrorCode.INTERNAL, "internal error");
    }

    private static boolean transientError(String msg) {
        if (msg == null) return false;
        for (String p : new String[] {"LOADING", "CLUSTERDOWN", "TRYAGAIN", "MASTERDOWN", "READONLY", "BUSY", "MOVED", "ASK"}) {
            if (msg.startsWith(p)) return true;
        }
        return false;
    }
}
