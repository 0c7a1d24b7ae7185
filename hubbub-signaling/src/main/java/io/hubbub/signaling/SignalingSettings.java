package io.hubbub.signaling;

import io.hubbub.core.config.ByteSize;
import io.hubbub.core.config.Checks;
import io.hubbub.core.config.Doc;
import io.hubbub.core.feature.FeatureSettings;

import java.time.Duration;
import java.util.List;

/** {@code features.signaling}: the WebRTC signaling feature (docs/SIGNALING.md). Defaults are the seed's. */
public record SignalingSettings(
        @Doc("Serve the signal:* events, the signaling HTTP routes and the seed 003 adapter on /signaling.") boolean enabled,
        @Doc("Most peers in a signaling room created without a capacity (a full mesh; 2..64).") int capacity,
        @Doc("How often the server sends signal:heartbeat to every peer and checks for silent peers.") Duration heartbeatInterval,
        @Doc("A peer that sent no heartbeat (nor any signal) for this long is removed from its room (peer-left).") Duration peerTimeout,
        @Doc("How often empty signaling rooms are deleted and inactive ones closed.") Duration cleanupInterval,
        @Doc("A signaling room without a join or a relayed signal for this long is closed with a reason.") Duration roomInactivity,
        @Doc("A signaling room without activity for this long counts as idle (closed first under critical memory pressure).") Duration idleAfter,
        @Doc("Largest encoded signal (an SDP offer/answer, a candidate); bigger ones are refused with too_large.") ByteSize maxSignal,
        @Doc("ICE candidates a peer may send per second (sustained); more are refused with rate_limited.") int candidatesPerSecond,
        @Doc("ICE candidates a peer may send in a burst.") int candidateBurst,
        @Doc("How often the signaling watchdog reads the heap.") Duration watchdogInterval,
        @Doc("Heap used above which the watchdog removes dead peers and deletes empty rooms (seed: 200 MB).") ByteSize watchdogWarnHeap,
        @Doc("Heap used above which the watchdog also closes every idle signaling room (seed: 300 MB).") ByteSize watchdogCriticalHeap,
        @Doc("STUN URLs handed to peers, e.g. stun:stun.example.org:3478.") List<String> stunUrls,
        @Doc("TURN URLs handed to peers with short-lived credentials, e.g. turn:turn.example.org:3478?transport=udp.") List<String> turnUrls,
        @Doc("The TURN REST API shared secret (coturn static-auth-secret); required when turnUrls is set.") String turnSecret,
        @Doc("Lifetime of issued TURN credentials; clients refresh them (signal:ice-servers) before refreshAt.") Duration turnTtl)
        implements FeatureSettings {

    public static SignalingSettings defaults() {
        return new SignalingSettings(true, 8, Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofSeconds(60),
                Duration.ofHours(3), Duration.ofMinutes(10), ByteSize.ofKiB(64), 50, 100, Duration.ofSeconds(30),
                ByteSize.ofMiB(200), ByteSize.ofMiB(300), List.of(), List.of(), "", Duration.ofDays(1));
    }

    @Override
    public void validate(Checks c, String prefix) {
        c.range(prefix + "capacity", capacity, 2, 64);
        c.positive(prefix + "heartbeatInterval", heartbeatInterval);
        c.positive(prefix + "peerTimeout", peerTimeout);
        c.require(peerTimeout.compareTo(heartbeatInterval) > 0, prefix + "peerTimeout", "must be longer than heartbeatInterval");
        c.positive(prefix + "cleanupInterval", cleanupInterval);
        c.positive(prefix + "roomInactivity", roomInactivity);
        c.positive(prefix + "idleAfter", idleAfter);
        c.atLeast(prefix + "maxSignal", maxSignal, ByteSize.ofBytes(256));
        c.require(maxSignal.bytes() <= 1024 * 1024, prefix + "maxSignal", "must be at most 1MiB");
        c.range(prefix + "candidatesPerSecond", candidatesPerSecond, 1, 10_000);
        c.range(prefix + "candidateBurst", candidateBurst, 1, 10_000);
        c.positive(prefix + "watchdogInterval", watchdogInterval);
        c.require(watchdogWarnHeap.compareTo(watchdogCriticalHeap) < 0, prefix + "watchdogWarnHeap", "must be below watchdogCriticalHeap");
        c.positive(prefix + "turnTtl", turnTtl);
        for (String u : stunUrls) c.require(u.startsWith("stun:") || u.startsWith("stuns:"), prefix + "stunUrls", "'" + u + "' is not a stun: URL");
        for (String u : turnUrls) c.require(u.startsWith("turn:") || u.startsWith("turns:"), prefix + "turnUrls", "'" + u + "' is not a turn: URL");
        if (!turnUrls.isEmpty()) {
            c.notBlank(prefix + "turnSecret", turnSecret);
            if (c.production()) c.require(turnSecret.length() >= 16, prefix + "turnSecret", "must be at least 16 characters in production");
        }
    }
}
