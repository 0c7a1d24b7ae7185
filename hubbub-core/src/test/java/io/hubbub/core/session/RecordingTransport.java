package io.hubbub.core.session;

import io.hubbub.core.protocol.Outbound;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * A {@link SessionTransport} for unit tests of the pure core: it records every frame sent and the close
 * reason, and runs session tasks on the calling thread (one at a time, in order, as the contract asks
 * when a test drives the session from one thread). A real transport implementation, not a mock: the
 * code under test runs unchanged against it.
 */
public final class RecordingTransport implements SessionTransport {
    private final List<Outbound> frames = new CopyOnWriteArrayList<>();
    private volatile CloseReason closed;

    @Override
    public boolean send(Outbound frame) {
        if (closed != null) return false;
        frames.add(frame);
        return true;
    }

    @Override
    public void close(CloseReason reason) {
        if (closed == null) closed = reason;
    }

    @Override
    public Executor executor() {
        return Runnable::run;
    }

    @Override
    public String remoteAddress() {
        return "127.0.0.1";
    }

    @Override
    public String protocol() {
        return "test";
    }

    @Override
    public boolean isOpen() {
        return closed == null;
    }

    public List<Outbound> frames() {
        return frames;
    }

    /** The pushes received, in order. */
    public List<Outbound.Push> pushes() {
        return frames.stream().filter(f -> f instanceof Outbound.Push).map(f -> (Outbound.Push) f).toList();
    }

    public CloseReason closeReason() {
        return closed;
    }
}
