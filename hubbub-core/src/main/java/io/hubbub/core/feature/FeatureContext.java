package io.hubbub.core.feature;

import io.hubbub.core.api.HubbubApi;
import io.hubbub.core.feature.adapter.ProtocolAdapter;
import io.hubbub.core.feature.http.Access;
import io.hubbub.core.feature.http.RouteHandler;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What a {@link Feature} gets from the server it is installed in. Everything here is available while
 * {@link Feature#install} runs; registrations after the server started are refused.
 *
 * <p>Threading: event handlers run on the session's executor and must not block; route handlers and
 * everything on {@link #blocking()} may block (database calls belong there); {@link #scheduler()}
 * tasks must not block either (hop to {@link #blocking()}).
 */
public interface FeatureContext {

    /** The embedding API: events, hooks, rooms, presence, messaging, room state, the blocking executor. */
    HubbubApi api();

    /** This feature's bound and validated configuration section. */
    <C extends FeatureSettings> C config(Class<C> type);

    /**
     * Registers an HTTP route. {@code template} is a path such as {@code /api/chat/chats/{id}};
     * {@code access} decides who may call it before the handler runs ({@code unauthorized} /
     * {@code forbidden} otherwise). The handler runs on a virtual thread.
     */
    void route(String method, String template, Access access, RouteHandler handler);

    /**
     * Serves a foreign wire format on its own WebSocket path (e.g. {@code /signaling}). The transport
     * applies the server's limits, heartbeats, bounded outbox, rate limits, origin checks and metrics;
     * the adapter only maps frames to core events and answers back.
     */
    void adapter(String path, ProtocolAdapter adapter);

    /**
     * Serves the files under {@code classpathDir} of this feature's class loader (e.g.
     * {@code io/hubbub/web/static/sdk} in its jar) read-only at {@code pathPrefix} (e.g. {@code /sdk}):
     * {@code GET}/{@code HEAD} only, a directory path answers its {@code index.html}, {@code pathPrefix} alone
     * redirects to {@code pathPrefix/}. Only files with a known extension are served (with their Content-Type,
     * a strong ETag and 304 on {@code If-None-Match}, {@code Cache-Control: no-cache}, {@code nosniff}; HTML
     * pages with a strict Content-Security-Policy: scripts, styles and connections from the same origin only,
     * no inline code; other files with {@code Access-Control-Allow-Origin: *}), never a directory listing, a
     * dotted name or a path that leaves {@code classpathDir}: all those answer 404 {@code not_found}. The
     * prefix must not be {@code /api}, {@code /ws}, {@code /socket.io} or below them, nor overlap another
     * feature's assets or adapter; under it the assets shadow HTTP routes.
     */
    default void assets(String pathPrefix, String classpathDir) {
        throw new UnsupportedOperationException("this server does not serve static assets");
    }

    /**
     * A server service by type, for parts outside the core's API: the store's {@code Database} (migrated,
     * SQL off the event loop only), {@code Accounts}, {@code TokenVerifier}, {@code Leases},
     * {@code NodeIdentity}, {@code ServerMode}. Empty when this server has no such service.
     */
    <T> Optional<T> service(Class<T> type);

    /** Metrics registry; name meters {@code hubbub_<feature>_…} (use {@link #metricName}). */
    MeterRegistry metrics();

    /** {@code hubbub.<feature>.<suffix>}, which Prometheus shows as {@code hubbub_<feature>_<suffix>}. */
    String metricName(String suffix);

    /** Timers shared by the features of this server (one thread: keep tasks short and non-blocking). */
    ScheduledExecutorService scheduler();

    /** Executor for blocking work (virtual threads). */
    Executor blocking();

    /** The server's clock (tests can replace it). */
    Clock clock();

    /**
     * A live status object of this feature (e.g. a listener's health), shown under
     * {@code features.<name>} in {@code /stats} and {@code /ready}. Informational: it does not change
     * readiness. Called on each request (keep it cheap, non-blocking); one per feature, the last wins.
     */
    default void status(java.util.function.Supplier<? extends com.fasterxml.jackson.databind.JsonNode> status) {}

    /** Runs once the server accepts connections. */
    void onStart(Runnable task);

    /** Runs when a graceful shutdown starts, before clients are told to reconnect. */
    void onDrain(Runnable task);

    /** Runs when the server stops (after draining), in reverse order of registration. */
    void onStop(Runnable task);
}
