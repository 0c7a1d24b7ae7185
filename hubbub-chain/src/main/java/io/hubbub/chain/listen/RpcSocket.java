package io.hubbub.chain.listen;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.protocol.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

/**
 * The receiving side of one JSON-RPC WebSocket to a Solana node, shared by the listener's
 * subscriptions and the payment waits.
 *
 * <p>Contract: fragments are assembled up to {@code maxMessageChars}; a longer message ends the
 * connection (no Solana notification we subscribe to is that large, and whatever it carried is
 * covered by the owner's backfill or polling). Each complete message is parsed and handed to
 * {@link #message}; an unparseable one is skipped. Any message or pong counts as hearing from the
 * node ({@link #heard}). On close, error or an oversize message the socket is marked
 * {@link #closed} and {@link #ended} runs. The JDK calls a listener sequentially, on its own threads.
 *
 * <p>Demand is unbounded ({@code request(Long.MAX_VALUE)} once): {@link #message} must not block (it
 * parses and hands off to bounded queues), so there is nothing to pace, and asking for one message at
 * a time made the JDK client re-arm its selector for every notification (a visible share of the
 * listener's CPU per event at 1,000 notifications/s).
 */
public abstract class RpcSocket implements WebSocket.Listener {
    private static final Logger log = LoggerFactory.getLogger(RpcSocket.class);
    private final String name;
    private final int maxMessageChars;
    private final StringBuilder buf = new StringBuilder();
    /** Set once the socket is gone; the owner's loop watches it. */
    public volatile boolean closed;

    protected RpcSocket(String name, int maxMessageChars) {
        this.name = name;
        this.maxMessageChars = maxMessageChars;
    }

    /** One parsed JSON-RPC message (an answer or a notification). */
    protected abstract void message(JsonNode frame);

    /** The node was heard from (a message or a pong). */
    protected abstract void heard();

    /** The socket ended (close, error, oversize message); may run more than once. */
    protected abstract void ended();

    /** Marks the socket closed and tells the owner. */
    protected final void end() {
        closed = true;
        ended();
    }

    @Override
    public void onOpen(WebSocket w) {
        w.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
        buf.append(data);
        if (buf.length() > maxMessageChars) {
            end();
            w.abort();
            return null;
        }
        if (last) {
            String text = buf.toString();
            buf.setLength(0);
            heard();
            try {
                message(Json.MAPPER.readTree(text));
            } catch (Exception e) {
                log.debug("bad frame on the {} WebSocket: {}", name, e.toString());
            }
        }
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket w, ByteBuffer message) {
        heard();
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
        end();
        return null;
    }

    @Override
    public void onError(WebSocket w, Throwable error) {
        end();
    }
}
