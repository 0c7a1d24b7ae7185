package io.hubbub.core.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.engine.Broker;
import io.hubbub.core.engine.BrokerHandler;
import io.hubbub.core.engine.HistoryQuery;
import io.hubbub.core.engine.HistoryResult;
import io.hubbub.core.engine.Publication;
import io.hubbub.core.engine.PublishOptions;
import io.hubbub.core.engine.StreamPosition;
import io.hubbub.core.engine.memory.MemoryBroker;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.protocol.Outbound;
import io.hubbub.core.session.RecordingTransport;
import io.hubbub.core.session.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hub's local fan-out over a real {@link MemoryBroker}: the node subscribes once per channel
 * whatever its number of local receivers, and unsubscribes after the last; receivers can be excluded;
 * one push instance (one encode) is shared by every receiver.
 */
class HubTest {
    static final PublishOptions RECORDED = new PublishOptions(100, Duration.ZERO, Duration.ZERO);

    /** A real MemoryBroker whose node-level subscribe/unsubscribe calls are counted. */
    static final class CountingBroker implements Broker {
        final MemoryBroker real = new MemoryBroker();
        final AtomicInteger subscribes = new AtomicInteger();
        final AtomicInteger unsubscribes = new AtomicInteger();

        @Override
        public void setHandler(BrokerHandler handler) {
            real.setHandler(handler);
        }

        @Override
        public CompletableFuture<StreamPosition> publish(String channel, Publication publication, PublishOptions options) {
            return real.publish(channel, publication, options);
        }

        @Override
        public CompletableFuture<Void> subscribe(String channel) {
            subscribes.incrementAndGet();
            return real.subscribe(channel);
        }

        @Override
        public CompletableFuture<Void> unsubscribe(String channel) {
            unsubscribes.incrementAndGet();
            return real.unsubscribe(channel);
        }

        @Override
        public CompletableFuture<HistoryResult> history(String channel, HistoryQuery query) {
            return real.history(channel, query);
        }

        @Override
        public CompletableFuture<Void> removeHistory(String channel) {
            return real.removeHistory(channel);
        }

        @Override
        public void close() {
            real.close();
        }
    }

    final CountingBroker broker = new CountingBroker();
    final Hub hub = new Hub(broker);

    @AfterEach
    void close() {
        broker.close();
    }

    static Session session(String id) {
        return new Session(id, new RecordingTransport());
    }

    static RecordingTransport frames(Session s) {
        return (RecordingTransport) s.transport();
    }

    static Publication msg(int n) {
        ObjectNode data = Json.object().put("n", n);
        return Publication.of("message:new", data);
    }

    @Test
    void theNodeSubscribesOncePerChannelAndUnsubscribesAfterTheLastReceiver() {
        Session a = session("a"), b = session("b"), c = session("c");
        hub.subscribe("room:x", a).join();
        hub.subscribe("room:x", b).join();
        hub.subscribe("room:x", a).join(); // idempotent per session
        hub.subscribe("room:y", c).join();
        assertThat(broker.subscribes.get()).isEqualTo(2);
        assertThat(hub.sessions("room:x")).containsExactly(a, b);
        assertThat(hub.channelCount()).isEqualTo(2);

        hub.unsubscribe("room:x", a);
        assertThat(broker.unsubscribes.get()).as("b still listens").isZero();
        broker.publish("room:x", msg(1), RECORDED).join();
        assertThat(frames(b).pushes()).hasSize(1);
        assertThat(frames(a).pushes()).isEmpty();

        hub.unsubscribe("room:x", b);
        hub.unsubscribe("room:x", b); // idempotent
        assertThat(broker.unsubscribes.get()).isEqualTo(1);
        assertThat(hub.sessions("room:x")).isEmpty();
        assertThat(hub.channelCount()).isEqualTo(1);
        long before = hub.deliveries();
        broker.publish("room:x", msg(2), RECORDED).join();
        assertThat(hub.deliveries()).as("the node no longer receives the channel").isEqualTo(before);

        hub.subscribe("room:x", a).join();
        assertThat(broker.subscribes.get()).as("a new first receiver subscribes the node again").isEqualTo(3);
        broker.publish("room:x", msg(3), RECORDED).join();
        assertThat(frames(a).pushes()).extracting(p -> p.payload().path("n").asInt()).containsExactly(3);
    }

    @Test
    void everyReceiverGetsTheSamePushInstanceSoItIsEncodedOnce() {
        List<Session> sessions = List.of(session("a"), session("b"), session("c"));
        for (Session s : sessions) hub.subscribe("room:x", s).join();
        broker.publish("room:x", msg(1), RECORDED).join();
        Outbound.Push first = frames(sessions.getFirst()).pushes().getFirst();
        for (Session s : sessions) assertThat(frames(s).pushes()).hasSize(1).first().isSameAs(first);
        assertThat(first.payload().path("offset").asLong()).as("recorded: position added").isEqualTo(1);
        assertThat(first.payload().path("epoch").asText()).isNotEmpty();
        assertThat(first.payload().path("ts").asLong()).isPositive();
        assertThat(hub.deliveries()).isEqualTo(3);
    }

    @Test
    void onePublicationHandedToManyUserChannelsIsOnePushForAllTheirReceivers() {
        Session a1 = session("a1"), a2 = session("a2"), b = session("b");
        hub.subscribe("user:a", a1).join();
        hub.subscribe("user:a", a2).join();
        hub.subscribe("user:b", b).join();
        Publication shared = Publication.of("message:new", Json.object().put("n", 1));
        broker.publish("user:a", shared, PublishOptions.NO_HISTORY).join();
        broker.publish("user:b", shared, PublishOptions.NO_HISTORY).join();
        Outbound.Push first = frames(a1).pushes().getFirst();
        for (Session s : List.of(a1, a2, b)) assertThat(frames(s).pushes()).hasSize(1).first().isSameAs(first);

        broker.publish("user:b", msg(2), PublishOptions.NO_HISTORY).join(); // another publication: its own push
        assertThat(frames(b).pushes().getLast()).isNotSameAs(first);
        assertThat(frames(b).pushes().getLast().payload().path("n").asInt()).isEqualTo(2);
    }

    @Test
    void anExcludedSessionDoesNotReceiveItsOwnPublication() {
        Session sender = session("sender"), other = session("other");
        hub.subscribe("room:x", sender).join();
        hub.subscribe("room:x", other).join();
        broker.publish("room:x", msg(1).excluding("sender"), RECORDED).join();
        assertThat(frames(sender).pushes()).isEmpty();
        assertThat(frames(other).pushes()).extracting(p -> p.payload().path("n").asInt()).containsExactly(1);
    }

    @Test
    void receiversSeePublicationsInOffsetOrderAndEphemeralOnesAreDroppable() {
        Session s = session("s");
        hub.subscribe("room:x", s).join();
        for (int i = 1; i <= 50; i++) broker.publish("room:x", msg(i), RECORDED).join();
        broker.publish("room:x", Publication.ephemeral("typing:start", Json.object(), null), RECORDED).join();
        List<Outbound.Push> got = frames(s).pushes();
        assertThat(got.subList(0, 50)).extracting(p -> p.payload().path("offset").asLong())
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 50).boxed().toList());
        assertThat(got.getLast().droppable()).isTrue();
        assertThat(got.getLast().payload().has("offset")).as("ephemeral: not recorded").isFalse();
        assertThat(got.subList(0, 50)).allMatch(p -> !p.droppable());
    }
}
