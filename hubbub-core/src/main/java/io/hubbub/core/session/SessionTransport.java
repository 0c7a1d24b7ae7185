package io.hubbub.core.session;

import io.hubbub.core.protocol.Outbound;

import java.util.concurrent.Executor;

/**
 * What the core needs from a connection, whatever its protocol (native WebSocket, Socket.IO over
 * WebSocket or long-polling). Implemented by the transports; the core never sees Netty.
 *
 * <p>Threading: {@link #send} and {@link #close} may be called from any thread. {@link #executor()}
 * runs tasks one at a time in submission order (for Netty: the channel's event loop); the core runs
 * every state change of a session on it, so session state needs no locks.
 */
public interface SessionTransport {

    /**
     * Queues a frame. Never blocks. Frames from one thread keep their order. The queue is bounded:
     * when full, droppable pushes are dropped first; if a non-droppable frame does not fit the
     * connection is closed with {@link CloseReason#SLOW_CONSUMER}, so a receiver never sees a silent gap.
     *
     * @return false if the frame was not queued (dropped or connection closed)
     */
    boolean send(Outbound frame);

    /** Sends a close with the reason (if the protocol can carry one) and closes. Idempotent. */
    void close(CloseReason reason);

    /** Serial executor of this connection; see the class comment. */
    Executor executor();

    /** Remote IP address (after proxy headers if configured). */
    String remoteAddress();

    /** Protocol name for stats and logs: "native", "socketio". */
    String protocol();

    boolean isOpen();
}
