package io.hubbub.core.session;

import io.hubbub.core.engine.Broker;
import io.hubbub.core.engine.HistoryQuery;
import io.hubbub.core.engine.HistoryResult;
import io.hubbub.core.engine.Publication;
import io.hubbub.core.engine.StreamPosition;
import io.hubbub.core.hub.Hub;
import io.hubbub.core.protocol.Outbound;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Subscribes a session to a channel (room, topic) with optional recovery, shared by room joins,
 * topic subscriptions and session resume.
 *
 * <p>Guarantee: live deliveries are buffered from before the node subscribes until
 * {@link #complete}, which sends the missed history (when recovered), then the reply, then the
 * buffered live messages above the recovered or joined position — so the client sees every message
 * after its position exactly once, in order, or is told {@code recovered: false}.
 */
public final class Subscriptions {
    private static final HistoryQuery TOP = new HistoryQuery(null, 1, true);

    private final Hub hub;
    private final Broker broker;
    private final int bufferLimit;

    /** Result of {@link #subscribe}: where the channel is, and what to replay. */
    public record Joined(StreamPosition position, Boolean recovered, List<Outbound.Push> missed, long lastMissed, long floor) {}

    public Subscriptions(Hub hub, Broker broker, int bufferLimit) {
        this.hub = hub;
        this.broker = broker;
        this.bufferLimit = bufferLimit;
    }

    /** Starts buffering, subscribes, and reads history since {@code since} (null: just the position). */
    public CompletableFuture<Joined> subscribe(Session s, String channel, StreamPosition since) {
        s.beginBuffering(channel, bufferLimit);
        return hub.subscribe(channel, s)
                .thenCompose(v -> broker.history(channel, since == null ? TOP : HistoryQuery.since(since)))
                .thenApply(h -> joined(h, since));
    }

    private static Joined joined(HistoryResult h, StreamPosition since) {
        if (since == null) {
            return new Joined(h.position(), null, List.of(), 0, h.position().offset());
        }
        if (!h.canRecoverFrom(since)) {
            return new Joined(h.position(), false, List.of(), 0, h.position().offset());
        }
        List<Outbound.Push> missed = new ArrayList<>(h.publications().size());
        long last = since.offset();
        for (Publication p : h.publications()) {
            if (p.offset() > last) {
                missed.add(Hub.toPush(p));
                last = p.offset();
            }
        }
        return new Joined(h.position(), true, missed, last, since.offset());
    }

    /**
     * On the session's executor: replays and sends the reply (null for none). Closes the session as a
     * slow consumer if its buffer overflowed meanwhile.
     */
    public void complete(Session s, String channel, Joined j, Outbound reply) {
        if (!s.finishBuffering(channel, j.missed(), j.lastMissed(), reply, j.floor())) {
            s.transport().close(CloseReason.SLOW_CONSUMER);
        }
    }

    /** Undoes a failed {@link #subscribe}. */
    public void abort(Session s, String channel) {
        s.cancelBuffering(channel);
        hub.unsubscribe(channel, s);
    }

    /** Plain unsubscribe. */
    public void unsubscribe(Session s, String channel) {
        hub.unsubscribe(channel, s);
    }
}
