package io.hubbub.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Following a cluster's redirects without a Hubbub server: where the handshake goes after
 * {@link HubbubClient#moveTo}, and which server-given URLs are accepted. Two plain JDK HTTP servers
 * record the upgrade requests they receive and refuse them (the end-to-end behaviour against real
 * nodes is in hubbub-server's ClusterProcessTest).
 */
class RedirectTest {
    private HttpServer first;
    private HttpServer second;
    private final List<String> hitsFirst = new CopyOnWriteArrayList<>();
    private final List<String> hitsSecond = new CopyOnWriteArrayList<>();

    private static HttpServer server(List<String> hits) throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/", exchange -> {
            hits.add(exchange.getRequestURI().toString());
            exchange.sendResponseHeaders(401, -1);
            exchange.close();
        });
        s.start();
        return s;
    }

    @BeforeEach
    void start() throws Exception {
        first = server(hitsFirst);
        second = server(hitsSecond);
    }

    @AfterEach
    void stop() {
        first.stop(0);
        second.stop(0);
    }

    @Test
    void moveToBeforeConnectingSendsTheHandshakeToTheNewServer() throws Exception {
        String secondWs = "ws://127.0.0.1:" + second.getAddress().getPort() + "/ws";
        try (HubbubClient c = HubbubClient.builder("http://127.0.0.1:" + first.getAddress().getPort()).token("t")
                .connectTimeout(Duration.ofSeconds(3)).build()) {
            c.moveTo(secondWs).get(5, TimeUnit.SECONDS);
            assertThat(c.currentServer()).isEqualTo(URI.create(secondWs));
            try {
                c.connect().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException expected) {
                assertThat(((HubbubClientException) expected.getCause()).httpStatus()).isEqualTo(401);
            }
            assertThat(hitsFirst).isEmpty();
            assertThat(hitsSecond).hasSize(1);
            assertThat(hitsSecond.getFirst()).isEqualTo("/ws?v=1");
        }
    }

    @Test
    void unusableUrlsAreRefusedOrIgnored() throws Exception {
        HubbubClient c = HubbubClient.builder("http://127.0.0.1:1").token("t").build();
        assertThatThrownBy(() -> c.moveTo("ftp://elsewhere/ws")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.moveTo("ws:///nohost")).isInstanceOf(IllegalArgumentException.class);
        assertThat(c.currentServer()).isEqualTo(URI.create("http://127.0.0.1:1"));
        assertThat(HubbubClient.parseTarget(null)).isNull();
        assertThat(HubbubClient.parseTarget("mailto:x@y")).isNull();
        assertThat(HubbubClient.parseTarget("ws://10.0.0.2:7002/ws")).isEqualTo(URI.create("ws://10.0.0.2:7002/ws"));
        c.close();
        try {
            c.moveTo("ws://127.0.0.1:2/ws").get(5, TimeUnit.SECONDS);
            throw new AssertionError("moving a closed client must fail");
        } catch (ExecutionException e) {
            assertThat(((HubbubClientException) e.getCause()).code()).isEqualTo(HubbubClientException.CLIENT_CLOSED);
        }
    }
}
