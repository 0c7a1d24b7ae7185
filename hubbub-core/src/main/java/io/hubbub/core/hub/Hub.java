package io.hubbub.core.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.engine.Broker;
import io.hubbub.core.engine.BrokerHandler;
import io.hubbub.core.engine.Publication;
import io.hubbub.core.protocol.Outbound;
import io.hubbub.core.session.Session;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Local fan-out: which sessions of this node listen to which channel. The node subscribes to a
 * channel at the broker when its first local session subscribes and unsubscribes after the last
 * leaves, so a node receives only the traffic it has local receivers for.
 *
 * <p>Fan-out is lock-free: each channel holds a copy-on-write array of sessions, replaced under the
 * channel's monitor on subscribe/unsubscribe. One {@link Outbound.Push} (with one encode cache) is
 * built per publication and shared by all receivers, so each protocol encodes it once.
 */
public final class Hub implements BrokerHandler {
    private static final Session[] EMPTY = new Session[0];

    private final Broker broker;
    private final ConcurrentHashMap<String, Channel> channels = new ConcurrentHashMap<>();
    private final LongAdder deliveries = new LongAdder();
    private final LongAdder received = new LongAdder();
    private volatile java.util.function.BiConsumer<String, Publication> observer;
    /**
     * The push of the last unrecorded publication: a publisher that hands ONE payload instance to many
     * channels (e.g. {@code MessagingService.sendToUsers}) gets one push, encoded once, for all their
     * receivers. Keyed by the payload's identity (brokers copy publications, not their payloads; an
     * unrecorded push is the payload as it is). Racy by design: a miss only costs an extra encode.
     * Contract (as for every publish): a published payload is never changed afterwards.
     */
    private volatile Shared lastShared;

    private record Shared(Publication pub, Outbound.Push push) {}

    private static final class Channel {
        volatile Session[] sessions = EMPTY;
        CompletableFuture<Void> subscribed;
        /** Set when the last receiver left and the broker was told; a racing subscribe retries on a fresh channel. */
        boolean dead;
    }

    public Hub(Broker broker) {
        this.broker = broker;
        broker.setHandler(this);
    }

    /**
     * Adds a local receiver; completes when the node is subscribed at the broker (immediately if it
     * already was). Idempotent per session.
     */
    public CompletableFuture<Void> subscribe(String channel, Session session) {
        while (true) {
            Channel ch = channels.computeIfAbsent(channel, k -> new Channel());
            synchronized (ch) {
                if (ch.dead) continue;
                return add(ch, channel, session);
            }
        }
    }

    private CompletableFuture<Void> add(Channel ch, String channel, Session session) {
        {
            Session[] cur = ch.sessions;
            for (Session s : cur) if (s == session) return ch.subscribed;
            Session[] next = Arrays.copyOf(cur, cur.length + 1);
            next[cur.length] = session;
            ch.sessions = next;
            if (ch.subscribed == null || ch.subscribed.isCompletedExceptionally()) {
                ch.subscribed = broker.subscribe(channel);
            }
            return ch.subscribed;
        }
    }

    /** Removes a local receiver; unsubscribes the node at the broker when it was the last. */
    public void unsubscribe(String channel, Session session) {
        Channel ch = channels.get(channel);
        if (ch == null) return;
        synchronized (ch) {
            Session[] cur = ch.sessions;
            int i = indexOf(cur, session);
            if (i < 0) return;
            if (cur.length == 1) {
                // Broker calls are issued under the channel monitor so an unsubscribe can never
                // overtake the subscribe of a session that arrives right after.
                ch.sessions = EMPTY;
                ch.dead = true;
                broker.unsubscribe(channel);
                channels.remove(channel, ch);
                return;
            }
            Session[] next = new Session[cur.length - 1];
            System.arraycopy(cur, 0, next, 0, i);
            System.arraycopy(cur, i + 1, next, i, cur.length - i - 1);
            ch.sessions = next;
        }
    }

    private static int indexOf(Session[] arr, Session s) {
        for (int i = 0; i < arr.length; i++) if (arr[i] == s) return i;
        return -1;
    }

    /** Local receivers of a channel (a snapshot). */
    public Session[] sessions(String channel) {
        Channel ch = channels.get(channel);
        return ch == null ? EMPTY : ch.sessions;
    }

    public int channelCount() {
        return channels.size();
    }

    public long deliveries() {
        return deliveries.sum();
    }

    /** Publications this node received from the broker (it gets only those of channels it has local receivers for). */
    public long received() {
        return received.sum();
    }

    /**
     * Sets the one observer that sees every publication this node receives, before local fan-out (the
     * room service uses it to follow room events published by other nodes). Runs on the broker's
     * delivery thread: it must be quick and never block.
     */
    public void observe(java.util.function.BiConsumer<String, Publication> o) {
        this.observer = o;
    }

    @Override
    public void onPublication(String channel, Publication pub) {
        received.increment();
        Channel ch = channels.get(channel);
        Session[] receivers = ch == null ? EMPTY : ch.sessions;
        if (receivers.length > 0) {
            Outbound.Push push = sharedPush(pub);
            String exclude = pub.excludeSession();
            int n = 0;
            for (Session s : receivers) {
                if (exclude != null && exclude.equals(s.id())) continue;
                s.deliver(channel, pub.offset(), push);
                n++;
            }
            deliveries.add(n);
        }
        // Observers run after delivery: they may remove members (room:closed), who must have been
        // handed the event first.
        java.util.function.BiConsumer<String, Publication> o = observer;
        if (o != null) o.accept(channel, pub);
    }

    private Outbound.Push sharedPush(Publication pub) {
        if (pub.recorded()) return toPush(pub); // positions differ per channel: its own push
        Shared last = lastShared;
        if (last != null && last.pub().data() == pub.data() && last.pub().ephemeral() == pub.ephemeral()
                && last.pub().event().equals(pub.event())) return last.push();
        Outbound.Push push = toPush(pub);
        lastShared = new Shared(pub, push);
        return push;
    }

    /** The push a publication becomes: its data, plus offset/epoch/ts when it was recorded. */
    public static Outbound.Push toPush(Publication pub) {
        JsonNode payload = pub.data();
        if (pub.recorded() && payload instanceof ObjectNode obj) {
            ObjectNode withPos = obj.deepCopy();
            withPos.put("offset", pub.offset());
            withPos.put("epoch", pub.epoch());
            withPos.put("ts", pub.time());
            payload = withPos;
        }
        return new Outbound.Push(pub.event(), payload, pub.ephemeral());
    }
}
