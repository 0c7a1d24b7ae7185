package io.hubbub.client;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the client puts into the WebSocket handshake, observed by a plain JDK HTTP server that
 * records the upgrade request and refuses it with a chosen status (it speaks no Hubbub protocol).
 */
class HandshakeTest {
    private HttpServer http;
    private volatile int status = 401;
    private final List<String> authorization = new CopyOnWriteArrayList<>();
    private final List<String> uris = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", exchange -> {
            authorization.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            uris.add(exchange.getRequestURI().toString());
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        http.start();
    }

    @AfterEach
    void stop() {
        http.stop(0);
    }

    private String base() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    private static HubbubClientException failure(CompletableFuture<?> f) {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return (HubbubClientException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("connect succeeded against a refusing server");
    }

    @Test
    void headerModeSendsBearerTokenToTheVersionedEndpoint() {
        AtomicInteger asked = new AtomicInteger();
        HubbubClient c = HubbubClient.builder(base()).tokenSupplier(() -> "tok-" + asked.incrementAndGet()).build();
        HubbubClientException e = failure(c.connect());
        assertThat(e.code()).isEqualTo(HubbubClientException.HANDSHAKE_FAILED);
        assertThat(e.httpStatus()).isEqualTo(401);
        assertThat(authorization).containsExactly("Bearer tok-1");
        assertThat(uris).containsExactly("/ws?v=1");
        assertThat(c.state()).isEqualTo(ConnectionState.CLOSED);
    }

    @Test
    void queryModePutsTheTokenInTheUri() {
        HubbubClient c = HubbubClient.builder(base()).token("a b").authMode(AuthMode.QUERY).build();
        failure(c.connect());
        assertThat(uris).containsExactly("/ws?v=1&token=a+b");
        assertThat(authorization).containsExactly("null");
    }

    @Test
    void frameModeSendsNoCredentialsInTheHandshake() {
        HubbubClient c = HubbubClient.builder(base()).token("t").authMode(AuthMode.FRAME).build();
        failure(c.connect());
        assertThat(uris).containsExactly("/ws?v=1");
        assertThat(authorization).containsExactly("null");
    }

    @Test
    void theFirstConnectDoesNotRetryEvenWhenOverloaded() throws Exception {
        status = 503;
        List<CloseEvent> closes = new CopyOnWriteArrayList<>();
        HubbubClient c = HubbubClient.builder(base()).token("t").build();
        c.onClose(closes::add);
        HubbubClientException e = failure(c.connect());
        assertThat(e.httpStatus()).isEqualTo(503);
        c.closedFuture().get(5, TimeUnit.SECONDS);
        assertThat(uris).hasSize(1);
        assertThat(closes).singleElement().satisfies(ev -> {
            assertThat(ev.code()).isEqualTo(4503);
            assertThat(ev.reconnecting()).isFalse();
        });
    }
}
