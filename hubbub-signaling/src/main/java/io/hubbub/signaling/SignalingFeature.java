package io.hubbub.signaling;

import io.hubbub.core.auth.TokenVerifier;
import io.hubbub.core.config.Durations;
import io.hubbub.core.feature.Feature;
import io.hubbub.core.feature.FeatureContext;
import io.hubbub.core.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * WebRTC signaling (seed 003, docs/SIGNALING.md): peers meet in signaling rooms, exchange offers,
 * answers and ICE candidates through the server addressed to one named peer, then talk directly.
 * Nothing of a signal is stored or logged; state is in memory (core rooms and presence), so the
 * feature has no tables.
 */
public final class SignalingFeature implements Feature {
    private static final Logger log = LoggerFactory.getLogger(SignalingFeature.class);
    /** Upper bound of tracked (connection × room) peers per node; joins beyond it answer limit_exceeded. */
    static final int MAX_PEERS_PER_NODE = 200_000;

    @Override public String name() { return "signaling"; }

    @Override public String description() { return "WebRTC signaling: peer rooms, offer/answer/ICE relay, TURN credentials, the seed 003 /signaling adapter."; }

    @Override public SignalingSettings defaults() { return SignalingSettings.defaults(); }

    @Override
    public void install(FeatureContext ctx) {
        SignalingSettings s = ctx.config(SignalingSettings.class);
        TokenVerifier tokens = ctx.service(TokenVerifier.class)
                .orElseThrow(() -> new IllegalStateException("signaling needs the server's TokenVerifier service"));
        PeerTracker<Session> tracker = new PeerTracker<>(MAX_PEERS_PER_NODE, s.candidatesPerSecond(), s.candidateBurst(), System::nanoTime);
        SignalingMetrics metrics = new SignalingMetrics(ctx.metrics(), ctx::metricName, tracker);
        IceServers ice = new IceServers(s.stunUrls(), s.turnUrls(), s.turnSecret(), s.turnTtl());
        SignalingService service = new SignalingService(ctx.api(), s, ice, tracker, metrics, ctx.clock());
        service.register();
        SignalingRoutes.register(ctx, service, ice, tokens);
        ctx.adapter("/signaling", new Seed003Adapter(tokens));

        WatchdogPolicy policy = new WatchdogPolicy(s.watchdogWarnHeap().bytes(), s.watchdogCriticalHeap().bytes());
        String inactive = "inactive for " + Durations.format(s.roomInactivity());
        List<ScheduledFuture<?>> timers = new ArrayList<>();
        ctx.onStart(() -> {
            timers.add(every(ctx, s.heartbeatInterval(), () -> {
                service.pushHeartbeats();
                service.pushIceRefresh();
                int n = service.heartbeatTick(s.peerTimeout().toMillis(), "heartbeat timeout");
                for (int i = 0; i < n; i++) metrics.peerTimedOut();
            }));
            timers.add(every(ctx, s.cleanupInterval(), () -> service.sweepRooms(s.roomInactivity().toMillis(), inactive, s.cleanupInterval().toMillis())));
            timers.add(every(ctx, s.watchdogInterval(), () -> {
                WatchdogPolicy.Level level = policy.level(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
                metrics.watchdog(level);
                if (level == WatchdogPolicy.Level.OK) return;
                // dead = missed two heartbeats, even if the (longer) peer timeout has not passed yet
                metrics.watchdogRemoved(service.heartbeatTick(2 * s.heartbeatInterval().toMillis(), "no heartbeat (memory pressure)"));
                service.sweepRooms(s.roomInactivity().toMillis(), inactive, s.cleanupInterval().toMillis());
                if (level == WatchdogPolicy.Level.CRITICAL) service.sweepRooms(s.idleAfter().toMillis(), "closed under memory pressure", s.cleanupInterval().toMillis());
            }));
        });
        ctx.onStop(() -> timers.forEach(t -> t.cancel(false)));
    }

    private static ScheduledFuture<?> every(FeatureContext ctx, Duration d, Runnable task) {
        long ms = Math.max(1, d.toMillis());
        return ctx.scheduler().scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("signaling timer failed: {}", e.toString());
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
    }
}
