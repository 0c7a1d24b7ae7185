package io.hubbub.server.transport.engineio;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Serves long-polling requests for sessions held by another node of a cluster, so Engine.IO clients
 * work behind a load balancer that spreads their HTTP requests across nodes without stickiness.
 *
 * <p>Routing needs no lookup: with forwarding on, every sid is {@code <tag>.<random>} where the tag
 * names the node that minted it ({@link Owners#localTag()}). A polling GET or POST whose sid is not
 * in this node's registry and carries another node's tag is re-sent, with the same method, path,
 * query, body and the headers that matter to Engine.IO, to that node's URL as listed by the live-node
 * registry; the owner's status, body and content/CORS/cookie headers are relayed back unchanged.
 *
 * <p>Guarantees: a request is forwarded at most once — the forwarded copy carries
 * {@link #FORWARDED_BY} and a request carrying it is never forwarded again, so a stale or
 * inconsistent registry cannot make nodes bounce a request between them. A sid whose tag is this
 * node's, unknown or of a dead node, and an owner that cannot be reached, get the usual 400
 * "Session ID unknown" (the client then reconnects, as with a lost session). WebSocket upgrades are
 * not forwarded: a probe for a foreign sid gets the same 400, the client keeps long-polling on its
 * session and may try the upgrade again when it reconnects.
 *
 * <p>Threading: {@link #forward} is called on an event loop and never blocks — the JDK client sends
 * asynchronously and the reply is written from its (virtual-thread) executor. In-flight forwards are
 * bounded by {@code maxInFlight}; beyond it requests get 503. Long-poll GETs may be held by the owner
 * up to {@code pingInterval}, so the timeout must exceed that.
 */
public final class PollingForwarder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PollingForwarder.class);

    /** Marks a forwarded request (value: the forwarding node's id); such a request is never forwarded again. */
    public static final String FORWARDED_BY = "X-Hubbub-Forwarded-By";
    static final char TAG_SEPARATOR = '.';

    /** Request headers passed to the owner (besides X-Forwarded-For and the marker). */
    private static final Set<String> REQUEST_HEADERS = Set.of("content-type", "origin", "cookie", "user-agent",
            "authorization", "accept", "accept-language", "referer", "x-forwarded-proto", "x-forwarded-host", "x-real-ip");
    /** Response headers relayed to the client; framing headers are set by this node. */
    private static final Set<String> RESPONSE_HEADERS = Set.of("content-type", "set-cookie", "cache-control", "vary",
            "access-control-allow-origin", "access-control-allow-credentials");

    /** Who holds which sids. Implementations are thread-safe and answer from memory (no I/O). */
    public interface Owners {
        /** This node's tag: URL-safe, without {@code '.'}; sids minted here start with it. */
        String localTag();

        /** Base URL ({@code http://host:port}) of the live node whose tag this is; null when unknown, dead or this node. */
        String urlOf(String tag);
    }

    private final Owners owners;
    private final String nodeId;
    private final Duration timeout;
    private final int maxInFlight;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder forwarded = new LongAdder();

    /**
     * @param timeoutMillis whole-exchange timeout of one forward; above the owner's {@code pingInterval}
     * @param maxInFlight   bound on concurrent forwards (each held long-poll counts)
     */
    public PollingForwarder(Owners owners, String nodeId, long timeoutMillis, int maxInFlight) {
        if (owners.localTag().indexOf(TAG_SEPARATOR) >= 0) throw new IllegalArgumentException("tag must not contain '.'");
        this.owners = owners;
        this.nodeId = nodeId;
        this.timeout = Duration.ofMillis(timeoutMillis);
        this.maxInFlight = maxInFlight;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
    }

    public Owners owners() {
        return owners;
    }

    /** Requests forwarded so far (each counted once, when sent). */
    public long forwardedCount() {
        return forwarded.sum();
    }

    /** The node tag of a sid, or null when it has none. */
    public static String tagOf(String sid) {
        int dot = sid.indexOf(TAG_SEPARATOR);
        return dot <= 0 ? null : sid.substring(0, dot);
    }

    /** The owner URL to forward this request to, or null when it must be answered here (the loop guard lives here). */
    URI target(FullHttpRequest request, String sid) {
        if (request.headers().contains(FORWARDED_BY)) return null;
        HttpMethod m = request.method();
        if (!m.equals(HttpMethod.GET) && !m.equals(HttpMethod.POST)) return null;
        if (!request.uri().startsWith("/")) return null; // origin-form only: the owner's host is ours to choose
        String tag = tagOf(sid);
        if (tag == null || tag.equals(owners.localTag())) return null;
        String base = owners.urlOf(tag);
        if (base == null) return null;
        try {
            URI b = URI.create(base);
            return URI.create(b.getScheme() + "://" + b.getRawAuthority() + request.uri());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Forwards a polling request for a foreign sid and relays the answer to {@code reply}. False when
     * the request is not forwardable (the caller answers "Session ID unknown"). Copies what it needs
     * from {@code request} before returning; does not release it. Event-loop safe.
     */
    boolean forward(HttpReplies.Target reply, FullHttpRequest request, String sid) {
        URI uri = target(request, sid);
        if (uri == null) return false;
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            HttpReplies.error(reply, EngineIoError.SERVER_FULL);
            return true;
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout);
        if (request.method().equals(HttpMethod.POST)) {
            b.POST(HttpRequest.BodyPublishers.ofByteArray(ByteBufUtil.getBytes(request.content())));
        } else {
            b.GET();
        }
        request.headers().forEach(h -> {
            if (REQUEST_HEADERS.contains(h.getKey().toLowerCase(Locale.ROOT))) b.header(h.getKey(), h.getValue());
        });
        String xff = request.headers().get("X-Forwarded-For");
        String peer = address(reply.ctx().channel().remoteAddress());
        b.header("X-Forwarded-For", xff == null || xff.isBlank() ? peer : xff + ", " + peer);
        b.header(FORWARDED_BY, nodeId);
        forwarded.increment();
        String method = request.method().name();
        CompletableFuture<HttpResponse<byte[]>> exchange;
        try {
            exchange = client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (RuntimeException e) { // client closed (shutdown)
            inFlight.decrementAndGet();
            return false;
        }
        // the client went away: abort the exchange, so the owner sees its long-poll end too
        ChannelFutureListener abort = f -> exchange.cancel(true);
        reply.ctx().channel().closeFuture().addListener(abort);
        exchange.whenComplete((response, error) -> {
            inFlight.decrementAndGet();
            reply.ctx().channel().closeFuture().removeListener(abort);
            if (!reply.ctx().channel().isActive()) return;
            if (error != null) {
                log.debug("forwarding {} {} failed: {}", method, uri, error.toString());
                HttpReplies.error(reply, EngineIoError.UNKNOWN_SID);
                return;
            }
            HttpReplies.relay(reply, response.statusCode(), response.headers().map(), RESPONSE_HEADERS, response.body());
        });
        return true;
    }

    private static String address(SocketAddress a) {
        return a instanceof InetSocketAddress i && i.getAddress() != null ? i.getAddress().getHostAddress() : String.valueOf(a);
    }

    @Override
    public void close() {
        client.shutdownNow();
        executor.shutdownNow();
    }
}
