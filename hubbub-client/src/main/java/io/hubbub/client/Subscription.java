package io.hubbub.client;

/** A registered listener; {@link #unsubscribe()} removes it. Idempotent and thread-safe. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
    void unsubscribe();

    @Override
    default void close() {
        unsubscribe();
    }
}
