package io.hubbub.core.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.api.EventContext;
import io.hubbub.core.api.EventHandler;
import io.hubbub.core.auth.RoomScope;
import io.hubbub.core.config.CoreSettings;
import io.hubbub.core.limit.TokenBucket;
import io.hubbub.core.protocol.Envelope;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.protocol.Outbound;
import io.hubbub.core.session.CloseReason;
import io.hubbub.core.session.Session;
import io.hubbub.core.telemetry.Telemetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The node's event dispatch: one handler per client event type, and for each decoded client frame, in
 * this order, the session's frame rate limit ({@code rate_limited}, then closing a flooding connection),
 * the authentication gate (only {@code auth} and {@code ping} before it), the room-token scope
 * (a room token acts only on its room, and only in the events allowed for room tokens), the handler,
 * and its answer: a reply for a frame with an id (unless the handler replied itself), or the
 * failure's stable code. Frames of one session are dispatched on its executor; the handler table is
 * safe to change from any thread (registration at startup).
 */
final class EventDispatcher {
    private static final Logger log = LoggerFactory.getLogger(HubbubNode.class);

    private final CoreSettings settings;
    private final Telemetry telemetry;
    private final Map<String, EventHandler> handlers = new ConcurrentHashMap<>();
    private final Set<String> roomTokenEvents = ConcurrentHashMap.newKeySet();

    EventDispatcher(CoreSettings settings, Telemetry telemetry) {
        this.settings = settings;
        this.telemetry = telemetry;
    }

    void on(String type, EventHandler handler) {
        if (handlers.putIfAbsent(type, handler) != null) throw new IllegalStateException("a handler for '" + type + "' exists");
    }

    void allowRoomTokens(String type) {
        roomTokenEvents.add(type);
    }

    void wrap(String type, UnaryOperator<EventHandler> wrapper) {
        if (handlers.computeIfPresent(type, (k, old) -> java.util.Objects.requireNonNull(wrapper.apply(old))) == null)
            throw new IllegalStateException("no handler for '" + type + "' to wrap");
    }

    /** The event types that have a handler, sorted; a snapshot. */
    Set<String> eventTypes() {
        return java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(handlers.keySet()));
    }

    /**
     * A session opened: its frames are charged to a fresh token bucket from now on. The bucket lives on the
     * session (a field read per frame), not in a map keyed by session: one map node and one lookup per
     * frame less (issue 14).
     */
    void opened(Session s) {
        s.frameLimit(new TokenBucket(settings.framesPerSecond(), settings.frameBurst()));
    }

    /** Dispatches one decoded client frame. Must run on the session's executor. */
    void handle(Session s, Envelope e) {
        if (s.isClosed()) return;
        telemetry.frameIn(e.type());
        if (!admit(s, e.id())) return;
        if (!s.isAuthenticated() && !"auth".equals(e.type()) && !"ping".equals(e.type())) {
            fail(s, e.id(), new HubbubException(ErrorCode.UNAUTHORIZED, "authenticate first (send 'auth')"));
            return;
        }
        EventHandler h = handlers.get(e.type());
        if (h == null) {
            fail(s, e.id(), new HubbubException(ErrorCode.UNKNOWN_EVENT, "unknown event type '" + e.type() + "'"));
            return;
        }
        long t0 = System.nanoTime();
        CompletableFuture<? extends JsonNode> result;
        try {
            RoomScope.check(s.principal(), e.type(), e.payload(), roomTokenEvents); // room tokens: their room only
            result = h.handle(new EventContext(s, e)).toCompletableFuture();
        } catch (RuntimeException ex) {
            result = CompletableFuture.failedFuture(ex);
        }
        result.whenComplete((r, ex) -> {
            telemetry.handled(e.type(), System.nanoTime() - t0);
            if (ex != null) {
                HubbubException he = HubbubException.from(ex);
                if (he.code() == ErrorCode.INTERNAL) log.warn("handler for {} failed", e.type(), ex);
                fail(s, e.id(), he);
            } else if (e.id() != null && r != EventContext.REPLIED) {
                s.send(new Outbound.Reply(e.id(), r == null ? Json.object() : r));
            }
        });
    }

    /** Charges one client frame to the session's rate limit; false when refused (see {@link HubbubNode#admit}). */
    boolean admit(Session s, Long id) {
        TokenBucket bucket = s.frameLimit();
        if (bucket != null && !bucket.tryAcquire()) {
            telemetry.limitHit("frames");
            if (s.rateLimited(true) >= settings.floodCloseAfter()) {
                s.transport().close(CloseReason.FLOOD);
                return false;
            }
            fail(s, id, new HubbubException(ErrorCode.RATE_LIMITED, "too many frames: at most "
                    + (int) settings.framesPerSecond() + " per second"));
            return false;
        }
        s.rateLimited(false);
        return true;
    }

    void fail(Session s, Long id, HubbubException e) {
        telemetry.error(e.code());
        s.send(Outbound.Failure.of(id, e));
    }
}
