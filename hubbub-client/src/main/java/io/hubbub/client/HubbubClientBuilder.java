package io.hubbub.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.client.InboundFrame.Failure;
import io.hubbub.client.InboundFrame.Push;
import io.hubbub.client.InboundFrame.Reply;
import io.hubbub.client.RequestRegistry.Pending;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;


/** Configures a client; not thread-safe. Only the server URI is required. */
public final class HubbubClientBuilder {
    final URI server;
    final List<URI> fallbacks = new ArrayList<>();
    Supplier<CompletableFuture<String>> tokens;
    String guestName;
    AuthMode authMode = AuthMode.HEADER;
    Duration requestTimeout = Duration.ofSeconds(10);
    Duration connectTimeout = Duration.ofSeconds(10);
    ReconnectPolicy policy = ReconnectPolicy.defaults();
    Executor callbackExecutor;
    ObjectMapper mapper = new ObjectMapper();
    HttpClient http;
    int maxInFlight = 1024;
    int maxQueuedSends = 4096;
    int maxQueuedCallbacks = 10_000;
    int maxInboundChars = 16 * 1024 * 1024;
    RandomGenerator random = RandomGenerator.getDefault();

    HubbubClientBuilder(URI server) {
        this.server = Objects.requireNonNull(server, "server");
    }

    /** A fixed token. */
    /**
     * Other servers (e.g. the other nodes of a cluster) to try, in turn, when connecting to the current
     * one fails (refused, unreachable, 503): a client whose node died reconnects to a live one.
     */
    public HubbubClientBuilder fallbacks(String... servers) {
        for (String s : servers) {
            URI u = URI.create(s);
            Endpoints.webSocket(u, null);
            fallbacks.add(u);
        }
        return this;
    }

    public HubbubClientBuilder token(String token) {
        Objects.requireNonNull(token, "token");
        return asyncTokenSupplier(() -> CompletableFuture.completedFuture(token));
    }

    /**
     * A token fetched before every connection attempt, so an expired token can be refreshed before
     * a reconnect. May block: it is called on a virtual thread.
     */
    public HubbubClientBuilder tokenSupplier(Supplier<String> supplier) {
        Objects.requireNonNull(supplier, "supplier");
        return asyncTokenSupplier(() -> CompletableFuture.supplyAsync(supplier,
                task -> Thread.ofVirtual().name("hubbub-client-token").start(task)));
    }

    /** As {@link #tokenSupplier}, for a supplier that is already asynchronous. */
    public HubbubClientBuilder asyncTokenSupplier(Supplier<CompletableFuture<String>> supplier) {
        this.tokens = Objects.requireNonNull(supplier, "supplier");
        return this;
    }

    /** Authenticate as a guest ({@code auth} frame {@code {"guest":true,"name":…}}); needs {@code auth.allowGuests}. */
    public HubbubClientBuilder guest(String name) {
        this.guestName = Objects.requireNonNull(name, "name");
        return this;
    }

    /** How the token is presented; default {@link AuthMode#HEADER}. */
    public HubbubClientBuilder authMode(AuthMode mode) {
        this.authMode = Objects.requireNonNull(mode, "mode");
        return this;
    }

    /** Default timeout of requests, and of the wait for {@code session:welcome}; default 10 s. */
    public HubbubClientBuilder requestTimeout(Duration timeout) {
        this.requestTimeout = positive(timeout, "requestTimeout");
        return this;
    }

    /** TCP connect + WebSocket handshake timeout; default 10 s. */
    public HubbubClientBuilder connectTimeout(Duration timeout) {
        this.connectTimeout = positive(timeout, "connectTimeout");
        return this;
    }

    /** Default {@link ReconnectPolicy#defaults()}; {@link ReconnectPolicy#disabled()} to never reconnect. */
    public HubbubClientBuilder reconnect(ReconnectPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /** Where listeners and future completions run (serially, in receive order); default a virtual thread. */
    public HubbubClientBuilder callbackExecutor(Executor executor) {
        this.callbackExecutor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    public HubbubClientBuilder objectMapper(ObjectMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        return this;
    }

    /** The HttpClient for handshakes; default one shared by all clients of the JVM. Never shut down by the client. */
    public HubbubClientBuilder httpClient(HttpClient http) {
        this.http = Objects.requireNonNull(http, "http");
        return this;
    }

    /** Requests awaiting an answer; more fail with {@code too_many_in_flight}. Default 1024. */
    public HubbubClientBuilder maxInFlight(int n) {
        this.maxInFlight = atLeastOne(n, "maxInFlight");
        return this;
    }

    /** Frames waiting to be written; more fail with {@code send_queue_full}. Default 4096. */
    public HubbubClientBuilder maxQueuedSends(int n) {
        this.maxQueuedSends = atLeastOne(n, "maxQueuedSends");
        return this;
    }

    /** Callbacks waiting to run before the client stops reading from the socket. Default 10 000. */
    public HubbubClientBuilder maxQueuedCallbacks(int n) {
        this.maxQueuedCallbacks = atLeastOne(n, "maxQueuedCallbacks");
        return this;
    }

    /** Largest incoming message in chars; a larger one closes the connection (1009). Default 16 Mi. */
    public HubbubClientBuilder maxInboundChars(int n) {
        this.maxInboundChars = atLeastOne(n, "maxInboundChars");
        return this;
    }

    /** The jitter source (for reproducible tests). */
    public HubbubClientBuilder random(RandomGenerator random) {
        this.random = Objects.requireNonNull(random, "random");
        return this;
    }

    public HubbubClient build() {
        return new HubbubClient(this);
    }

    private static Duration positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + d);
        }
        return d;
    }

    private static int atLeastOne(int n, String what) {
        if (n < 1) {
            throw new IllegalArgumentException(what + " must be >= 1: " + n);
        }
        return n;
    }
}
