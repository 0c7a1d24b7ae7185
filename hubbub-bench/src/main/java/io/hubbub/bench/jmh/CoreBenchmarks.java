package io.hubbub.bench.jmh;

import io.hubbub.core.engine.ClientInfo;
import io.hubbub.core.engine.HistoryQuery;
import io.hubbub.core.engine.HistoryResult;
import io.hubbub.core.engine.Publication;
import io.hubbub.core.engine.PublishOptions;
import io.hubbub.core.engine.memory.MemoryBroker;
import io.hubbub.core.engine.memory.MemoryPresenceManager;
import io.hubbub.core.hub.Hub;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.protocol.Outbound;
import io.hubbub.core.session.CloseReason;
import io.hubbub.core.session.Session;
import io.hubbub.core.session.SessionTransport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The pure core: fan-out of one publication through the MemoryBroker and the Hub to N sessions
 * whose transport only counts (so this is the core's cost per broadcast, no I/O), presence updates,
 * and history append and read.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC"})
public class CoreBenchmarks {
    @Param({"1000"})
    public int receivers;

    private MemoryBroker broker;
    private MemoryBroker historyBroker;
    private MemoryPresenceManager presence;
    private Publication publication;
    private final PublishOptions history = new PublishOptions(1000, Duration.ofHours(1), Duration.ofHours(24));
    private long sent;
    private int presenceTick;

    /** A transport that accepts every frame and does nothing else. */
    static final class NoopTransport implements SessionTransport {
        long frames;

        @Override
        public boolean send(Outbound frame) {
            frames++;
            return true;
        }

        @Override
        public void close(CloseReason reason) {}

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
            return "noop";
        }

        @Override
        public boolean isOpen() {
            return true;
        }
    }

    @Setup(Level.Trial)
    public void setup() throws Exception {
        broker = new MemoryBroker();
        Hub hub = new Hub(broker);
        for (int i = 0; i < receivers; i++) hub.subscribe("room:bench", new Session("s" + i, new NoopTransport())).get();
        publication = Publication.of("message:new", Json.object().put("text", "hello there"));
        historyBroker = new MemoryBroker();
        new Hub(historyBroker);
        for (int i = 0; i < 1000; i++) historyBroker.publish("room:h", publication, history).get();
        presence = new MemoryPresenceManager();
        for (int i = 0; i < 100; i++) presence.add("room:p", new ClientInfo("s" + i, "u" + i, "user" + i, 0, "active", null)).get();
    }

    /** One broadcast to {@code receivers} local sessions (no history); result is per broadcast. */
    @Benchmark
    public Object fanout() {
        sent++;
        return broker.publish("room:bench", publication, PublishOptions.NO_HISTORY);
    }

    @Benchmark
    public Object historyAppend() {
        return historyBroker.publish("room:h", publication, history);
    }

    @Benchmark
    public void historyReadLatest50(Blackhole bh) throws Exception {
        HistoryResult r = historyBroker.history("room:h", HistoryQuery.latest(50)).get();
        bh.consume(r);
    }

    @Benchmark
    public Object presenceUpdate() {
        int i = presenceTick++ % 100;
        return presence.update("room:p", new ClientInfo("s" + i, "u" + i, "user" + i, 0, (i & 1) == 0 ? "idle" : "active", null));
    }
}
