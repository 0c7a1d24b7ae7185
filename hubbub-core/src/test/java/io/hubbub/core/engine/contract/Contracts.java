package io.hubbub.core.engine.contract;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Helpers shared by the engine contract suites. */
public final class Contracts {
    /** Longest an engine call may take in the suites; generous for a remote backend on a busy machine. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private Contracts() {}

    /** Waits for an engine future, failing the test if it fails or takes longer than {@link #CALL_TIMEOUT}. */
    public static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw new AssertionError("engine call failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("engine call timed out", e);
        }
    }

    /** Waits for an engine future that must fail, and returns its failure as a {@code HubbubException}. */
    public static io.hubbub.core.protocol.HubbubException failure(CompletableFuture<?> future) {
        try {
            future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            return io.hubbub.core.protocol.HubbubException.from(e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("engine call timed out", e);
        }
        throw new AssertionError("the engine call succeeded but must fail");
    }

    /** A name unique to this run, so suites can share one backend (e.g. one Redis). */
    public static String unique(String prefix) {
        return "contract-" + prefix + "-" + UUID.randomUUID();
    }
}
