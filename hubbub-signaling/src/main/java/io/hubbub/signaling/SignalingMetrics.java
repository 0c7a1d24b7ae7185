package io.hubbub.signaling;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The feature's meters ({@code hubbub_signaling_*}). Only counts and sizes: nothing of a signal's
 * content is ever recorded. Tag values come from closed sets (signal kinds, refusal codes, close reasons).
 */
final class SignalingMetrics {
    private final MeterRegistry registry;
    private final Function<String, String> name;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final DistributionSummary signalBytes;

    SignalingMetrics(MeterRegistry registry, Function<String, String> name, PeerTracker<?> tracker) {
        this.registry = registry;
        this.name = name;
        this.signalBytes = DistributionSummary.builder(name.apply("signal.bytes")).baseUnit("bytes")
                .description("encoded size of relayed signals").register(registry);
        Gauge.builder(name.apply("peers"), tracker, PeerTracker::size).description("signaling peers (connection × room) on this node").register(registry);
        Gauge.builder(name.apply("rooms"), tracker, PeerTracker::rooms).description("signaling rooms with peers on this node").register(registry);
    }

    private void count(String suffix, String tagKey, String tagValue) {
        counters.computeIfAbsent(suffix + "|" + tagValue, k -> {
            Counter.Builder b = Counter.builder(name.apply(suffix));
            if (tagKey != null) b.tag(tagKey, tagValue);
            return b.register(registry);
        }).increment();
    }

    void relayed(String kind, int bytes) {
        count("signals", "kind", kind);
        signalBytes.record(bytes);
    }

    void refused(String code) { count("refused", "code", code); }

    void roomCreated() { count("rooms.created", null, ""); }

    void peerJoined() { count("peers.joined", null, ""); }

    void peerTimedOut() { count("peer.timeouts", null, ""); }

    void roomClosed(String reason) { count("rooms.closed", "reason", reasonTag(reason)); }

    void watchdog(WatchdogPolicy.Level level) { count("watchdog.runs", "level", level.name().toLowerCase(java.util.Locale.ROOT)); }

    void watchdogRemoved(int peers) {
        if (peers > 0) counters.computeIfAbsent("watchdog.peers.removed|", k -> Counter.builder(name.apply("watchdog.peers.removed")).register(registry)).increment(peers);
    }

    private static String reasonTag(String reason) {
        if (reason.startsWith("inactive")) return "inactive";
        if (reason.startsWith("closed under memory")) return "memory";
        return reason.equals("empty") ? "empty" : "other";
    }
}
