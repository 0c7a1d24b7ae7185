package io.hubbub.client;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The transport plumbing of one connection, driven through the JDK's {@link WebSocket.Listener}
 * contract with a recording {@link WebSocket} (a JDK interface; no server involved): fragments,
 * read demand and backpressure, serialised writes, the write bound, silence detection, close.
 */
class ConnectionTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    /** Records demand, sends and closes; sends complete only when the test says so. */
    static final class RecordingSocket implements WebSocket {
        final AtomicLong demand = new AtomicLong();
        final List<String> sent = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<WebSocket>> pendingSends = new CopyOnWriteArrayList<>();
        final AtomicInteger maxOutstanding = new AtomicInteger();
        volatile int closeCode = -1;
        volatile boolean aborted;

        @Override
        public CompletableFuture<WebSocket> sendText(CharSequence data, boolean last) {
            sent.add(data.toString());
            // The JDK refuses a send while an earlier one is incomplete: count how many are.
            long incomplete = pendingSends.stream().filter(f -> !f.isDone()).count();
            maxOutstanding.accumulateAndGet((int) incomplete + 1, Math::max);
            CompletableFuture<WebSocket> f = new CompletableFuture<>();
            pendingSends.add(f);
            return f;
        }

        void completeSends() {
            // completing one send lets the next one start; loop until nothing is pending
            for (int i = 0; i < pendingSends.size(); i++) {
                pendingSends.get(i).complete(this);
            }
        }

        @Override
        public CompletableFuture<WebSocket> sendBinary(ByteBuffer data, boolean last) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<WebSocket> sendPing(ByteBuffer message) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<WebSocket> sendPong(ByteBuffer message) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<WebSocket> sendClose(int statusCode, String reason) {
            closeCode = statusCode;
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public void request(long n) {
            demand.addAndGet(n);
        }

        @Override
        public String getSubprotocol() {
            return "";
        }

        @Override
        public boolean isOutputClosed() {
            return closeCode >= 0 || aborted;
        }

        @Override
        public boolean isInputClosed() {
            return aborted;
        }

        @Override
        public void abort() {
            aborted = true;
        }
    }

    /** Records what the connection reports to its owner. */
    static final class RecordingOwner implements Connection.Owner {
        final List<String> received = new CopyOnWriteArrayList<>();
        final List<Integer> lost = new CopyOnWriteArrayList<>();
        volatile boolean accept = true;

        @Override
        public boolean opened(Connection c) {
            return accept;
        }

        @Override
        public void received(Connection c, String text) {
            received.add(text);
        }

        @Override
        public void lost(Connection c, int code, String reason) {
            lost.add(code);
        }
    }

    private Connection connection(RecordingOwner owner, SerialDispatcher dispatcher, int maxInbound, int maxSends) {
        return new Connection(owner, "tok", maxInbound, maxSends, dispatcher, timer);
    }

    @Test
    void assemblesFragmentsAndRequestsOneMessageAtATime() {
        RecordingOwner owner = new RecordingOwner();
        Connection c = connection(owner, new SerialDispatcher(Runnable::run, 100), 1000, 10);
        RecordingSocket ws = new RecordingSocket();
        c.onOpen(ws);
        assertThat(ws.demand.get()).isEqualTo(1);
        c.onText(ws, "{\"type\":\"mess", false);
        c.onText(ws, "age:new\"}", true);
        c.onText(ws, "{\"type\":\"x\"}", true);
        assertThat(owner.received).containsExactly("{\"type\":\"message:new\"}", "{\"type\":\"x\"}");
        assertThat(ws.demand.get()).as("one more message requested after each part").isEqualTo(4);
    }

    @Test
    void stopsReadingWhileCallbacksAreBehindAndResumesAfter() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        var pool = Executors.newSingleThreadExecutor();
        try {
            SerialDispatcher dispatcher = new SerialDispatcher(pool, 2);
            dispatcher.execute(() -> {
                try {
                    gate.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            dispatcher.execute(() -> { });
            dispatcher.execute(() -> { });
            RecordingOwner owner = new RecordingOwner();
            Connection c = connection(owner, dispatcher, 1000, 10);
            RecordingSocket ws = new RecordingSocket();
            c.onOpen(ws);
            c.onText(ws, "{\"type\":\"x\"}", true);
            assertThat(owner.received).hasSize(1);
            assertThat(ws.demand.get()).as("no new demand while the callback queue is full").isEqualTo(1);
            gate.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> ws.demand.get() == 2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void writesOneFrameAtATimeInOrder() throws Exception {
        Connection c = connection(new RecordingOwner(), new SerialDispatcher(Runnable::run, 100), 1000, 10);
        RecordingSocket ws = new RecordingSocket();
        c.onOpen(ws);
        CompletableFuture<Void> a = c.send("a");
        CompletableFuture<Void> b = c.send("b");
        CompletableFuture<Void> d = c.send("c");
        assertThat(ws.sent).as("the second write waits for the first").containsExactly("a");
        ws.completeSends();
        a.get(5, TimeUnit.SECONDS);
        b.get(5, TimeUnit.SECONDS);
        d.get(5, TimeUnit.SECONDS);
        assertThat(ws.sent).containsExactly("a", "b", "c");
        assertThat(ws.maxOutstanding.get()).isEqualTo(1);
    }

    @Test
    void boundsQueuedWritesAndReportsWriteFailures() throws Exception {
        Connection c = connection(new RecordingOwner(), new SerialDispatcher(Runnable::run, 100), 1000, 2);
        RecordingSocket ws = new RecordingSocket();
        c.onOpen(ws);
        CompletableFuture<Void> first = c.send("1");
        c.send("2");
        CompletableFuture<Void> third = c.send("3");
        assertThat(third).isCompletedExceptionally();
        assertThat(codeOf(third)).isEqualTo(HubbubClientException.SEND_QUEUE_FULL);
        ws.pendingSends.getFirst().completeExceptionally(new java.io.IOException("broken pipe"));
        assertThat(codeOf(first)).isEqualTo(HubbubClientException.SEND_FAILED);
    }

    private static String codeOf(CompletableFuture<?> f) throws Exception {
        try {
            f.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return ((HubbubClientException) e.getCause()).code();
        }
        throw new AssertionError("did not fail");
    }

    @Test
    void oversizedMessagesEndTheConnectionWith1009() {
        RecordingOwner owner = new RecordingOwner();
        Connection c = connection(owner, new SerialDispatcher(Runnable::run, 100), 10, 10);
        RecordingSocket ws = new RecordingSocket();
        c.onOpen(ws);
        c.onText(ws, "0123456789", false);
        c.onText(ws, "more", true);
        assertThat(ws.aborted).isTrue();
        assertThat(owner.lost).containsExactly(1009);
        assertThat(owner.received).isEmpty();
    }

    @Test
    void reportsLossOnceAndNotAfterDetach() {
        RecordingOwner owner = new RecordingOwner();
        Connection c = connection(owner, new SerialDispatcher(Runnable::run, 100), 100, 10);
        RecordingSocket ws = new RecordingSocket();
        c.onOpen(ws);
        c.onClose(ws, 4008, "slow consumer");
        c.onError(ws, new java.io.IOException("reset"));
        assertThat(owner.lost).containsExactly(4008);

        RecordingOwner owner2 = new RecordingOwner();
        Connection d = connection(owner2, new SerialDispatcher(Runnable::run, 100), 100, 10);
        RecordingSocket ws2 = new RecordingSocket();
        d.onOpen(ws2);
        CompletableFuture<Void> closing = d.detachAndClose(Duration.ofMillis(200));
        assertThat(ws2.closeCode).isEqualTo(1000);
        d.onClose(ws2, 1000, "");
        closing.join();
        assertThat(owner2.lost).isEmpty();
        assertThat(ws2.aborted).as("socket released after the close handshake").isTrue();
    }

    @Test
    void aRefusedOpenAbortsTheSocket() {
        RecordingOwner owner = new RecordingOwner();
        owner.accept = false;
        Connection c = connection(owner, new SerialDispatcher(Runnable::run, 100), 100, 10);
        RecordingSocket ws = new RecordingSocket();
        c.onOpen(ws);
        assertThat(ws.aborted).isTrue();
        assertThat(ws.demand.get()).isZero();
    }

    @Test
    void aSilentServerIsDetectedAndPingsKeepTheConnectionAlive() {
        RecordingOwner owner = new RecordingOwner();
        Connection c = connection(owner, new SerialDispatcher(Runnable::run, 100), 100, 10);
        RecordingSocket ws = new RecordingSocket();
        c.onOpen(ws);
        c.authenticated = true;
        c.watchHeartbeat(100, 600);
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(900);
        while (System.nanoTime() < until) {
            c.onPing(ws, ByteBuffer.allocate(0));
            sleep(50);
        }
        assertThat(owner.lost).as("pings count as traffic").isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> !owner.lost.isEmpty());
        assertThat(owner.lost).containsExactly(4009);
        assertThat(ws.aborted).isTrue();
    }

    @Test
    void noWelcomeInTimeAbortsTheConnection() {
        RecordingOwner owner = new RecordingOwner();
        Connection c = connection(owner, new SerialDispatcher(Runnable::run, 100), 100, 10);
        RecordingSocket ws = new RecordingSocket();
        c.onOpen(ws);
        c.expectWelcomeWithin(Duration.ofMillis(100));
        await().atMost(Duration.ofSeconds(5)).until(() -> !owner.lost.isEmpty());
        assertThat(owner.lost).containsExactly(1006);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
