package io.hubbub.server.metrics;

import io.hubbub.core.node.HubbubNode;
import io.hubbub.core.telemetry.Telemetry;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.room.Room;
import io.hubbub.server.transport.TransportStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Micrometer/Prometheus metrics (served at /metrics) and the core's {@link Telemetry}. Label values
 * come only from closed sets (error codes, limit names, registered event types), so a client cannot
 * blow up the series count with made-up event names.
 */
public final class HubbubMetrics implements Telemetry {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);
    private final Map<String, Counter> limits = new ConcurrentHashMap<>();
    private final Map<String, Timer> handlers = new ConcurrentHashMap<>();
    private final Map<String, Counter> published = new ConcurrentHashMap<>();
    private final Counter framesIn;
    private final AtomicLong loopLagNanos = new AtomicLong();
    private volatile TransportStats stats;
    private static final Set<String> LIMITS = Set.of("connections", "per_user", "per_ip", "connect_rate", "frames",
            "rooms_per_connection", "room_capacity", "memory", "room_creates", "persistent_rooms",
            "password_hashes", "descriptors");

    public HubbubMetrics() {
        for (ErrorCode c : ErrorCode.values()) {
            errors.put(c, Counter.builder("hubbub_errors").description("Errors answered, by code").tag("code", c.wire()).register(registry));
        }
        for (String l : LIMITS) {
            limits.put(l, Counter.builder("hubbub_limit_hits").description("Refusals by a limit").tag("limit", l).register(registry));
        }
        framesIn = Counter.builder("hubbub_frames_in").description("Client frames received").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("hubbub_event_loop_lag_seconds", loopLagNanos, v -> v.get() / 1e9)
                .description("Delay of a task scheduled on an event loop (sampled each second)").register(registry);
    }

    /** Gauges over live state; called once the node and transport exist. */
    public void bind(HubbubNode node, TransportStats stats) {
        this.stats = stats;
        Gauge.builder("hubbub_connections", node, HubbubNode::connectionCount).description("Open connections").register(registry);
        Gauge.builder("hubbub_users", node, HubbubNode::userCount).description("Distinct connected users").register(registry);
        Gauge.builder("hubbub_rooms", node, n -> n.rooms().all().size()).description("Open rooms on this node").register(registry);
        Gauge.builder("hubbub_room_members", node, n -> n.rooms().all().values().stream().mapToInt(Room::memberCount).sum())
                .description("Room members on this node").register(registry);
        Gauge.builder("hubbub_channels", node, n -> n.hub().channelCount()).description("Broker channels with local subscribers").register(registry);
        Gauge.builder("hubbub_deliveries", node, n -> n.hub().deliveries()).description("Messages fanned out to local sessions (total)").register(registry);
        Gauge.builder("hubbub_frames_out", stats, TransportStats::framesOut).description("Frames written (total)").register(registry);
        Gauge.builder("hubbub_frames_dropped", stats, TransportStats::droppedFrames).description("Ephemeral frames dropped for slow consumers (total)").register(registry);
        Gauge.builder("hubbub_slow_consumer_closes", stats, TransportStats::slowConsumerCloses).description("Connections closed as slow consumers (total)").register(registry);
        Gauge.builder("hubbub_transport_connections", stats, TransportStats::connections)
                .description("Admitted connections of every transport, Engine.IO sessions before any namespace included").register(registry);
        Gauge.builder("hubbub_file_descriptors_open", stats, s -> s.descriptors().open()).description("Open file descriptors (-1: unknown)").register(registry);
        Gauge.builder("hubbub_file_descriptors_max", stats, s -> s.descriptors().max()).description("File descriptor limit (-1: unknown)").register(registry);
        Gauge.builder("hubbub_descriptor_refusals", stats, s -> s.descriptors().refusals())
                .description("Connections and sockets refused to keep limits.fileDescriptorReserve (total)").register(registry);
        Gauge.builder("hubbub_refused_connections", stats, TransportStats::refusedConnections).description("Upgrades refused (total)").register(registry);
    }

    /** Admitted connections of every transport (0 before {@link #bind}); /stats "transportConnections". */
    public int transportConnections() {
        TransportStats s = stats;
        return s == null ? 0 : s.connections();
    }

    /** The worst lag reported since the previous sample window (each loop reports once a second). */
    public void eventLoopLag(long nanos) {
        loopLagNanos.set(nanos);
    }

    public String scrape() {
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void frameIn(String type) {
        framesIn.increment();
    }

    @Override
    public void error(ErrorCode code) {
        errors.get(code).increment();
    }

    @Override
    public void limitHit(String limit) {
        Counter c = limits.get(limit);
        if (c != null) c.increment();
    }

    @Override
    public void handled(String type, long nanos) {
        handlers.computeIfAbsent(type, t -> Timer.builder("hubbub_handler_latency").description("Time from a frame to its answer, by event type")
                .tag("type", t).publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry)).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    @Override
    public void published(String channelKind) {
        published.computeIfAbsent(channelKind, k -> Counter.builder("hubbub_published").description("Messages published, by target kind")
                .tag("target", k).register(registry)).increment();
    }
}
