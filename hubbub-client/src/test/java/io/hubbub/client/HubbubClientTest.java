package io.hubbub.client;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The client's behaviour without a server: lifecycle, failures and argument checks. */
class HubbubClientTest {

    private static int unusedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static HubbubClientException failure(CompletableFuture<?> f) {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(HubbubClientException.class);
            return (HubbubClientException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError("future did not fail in time", e);
        }
        throw new AssertionError("future completed normally");
    }

    @Test
    void requestsBeforeConnectingFailAtOnce() {
        try (HubbubClient c = HubbubClient.builder("http://127.0.0.1:1").token("t").build()) {
            assertThat(c.state()).isEqualTo(ConnectionState.NEW);
            assertThat(failure(c.join("lobby")).code()).isEqualTo(HubbubClientException.NOT_CONNECTED);
            assertThat(failure(c.send("typing:start", Map.of("room", "lobby"))).code())
                    .isEqualTo(HubbubClientException.NOT_CONNECTED);
            assertThat(c.inFlight()).isZero();
        }
    }

    @Test
    void firstConnectToNothingFailsAndCloses() throws Exception {
        int port = unusedPort();
        List<ConnectionState> states = new CopyOnWriteArrayList<>();
        List<CloseEvent> closes = new CopyOnWriteArrayList<>();
        HubbubClient c = HubbubClient.builder("http://127.0.0.1:" + port).token("t")
                .connectTimeout(Duration.ofSeconds(3)).build();
        c.onState(states::add);
        c.onClose(closes::add);
        HubbubClientException e = failure(c.connect());
        assertThat(e.code()).isEqualTo(HubbubClientException.HANDSHAKE_FAILED);
        assertThat(e.httpStatus()).isZero();
        c.closedFuture().get(5, TimeUnit.SECONDS);
        assertThat(c.state()).isEqualTo(ConnectionState.CLOSED);
        await().atMost(Duration.ofSeconds(5)).until(() -> states.size() == 2 && closes.size() == 1);
        assertThat(states).containsExactly(ConnectionState.CONNECTING, ConnectionState.CLOSED);
        assertThat(closes.getFirst().reconnecting()).isFalse();
        assertThat(closes.getFirst().byClient()).isFalse();
        assertThat(failure(c.ping()).code()).isEqualTo(HubbubClientException.CLIENT_CLOSED);
        assertThat(failure(c.connect()).code()).as("connect again returns the same outcome")
                .isEqualTo(HubbubClientException.HANDSHAKE_FAILED);
    }

    @Test
    void tokenSupplierIsAskedPerAttemptAndItsFailureFailsTheConnect() {
        AtomicInteger asked = new AtomicInteger();
        HubbubClient c = HubbubClient.builder("http://127.0.0.1:1")
                .tokenSupplier(() -> {
                    asked.incrementAndGet();
                    throw new IllegalStateException("identity provider down");
                }).build();
        HubbubClientException e = failure(c.connect());
        assertThat(e.code()).isEqualTo(HubbubClientException.TOKEN_UNAVAILABLE);
        assertThat(e.getCause()).hasMessageContaining("identity provider down");
        assertThat(asked.get()).isEqualTo(1);
    }

    @Test
    void closingBeforeConnectingIsTerminalAndIdempotent() throws Exception {
        HubbubClient c = HubbubClient.builder("ws://127.0.0.1:1").build();
        List<CloseEvent> closes = new CopyOnWriteArrayList<>();
        c.onClose(closes::add);
        c.closeAsync().get(5, TimeUnit.SECONDS);
        c.closeAsync().get(5, TimeUnit.SECONDS);
        assertThat(c.state()).isEqualTo(ConnectionState.CLOSED);
        assertThat(failure(c.connect()).code()).isEqualTo(HubbubClientException.CLIENT_CLOSED);
        await().atMost(Duration.ofSeconds(5)).until(() -> closes.size() == 1);
        assertThat(closes.getFirst().byClient()).isTrue();
        assertThat(closes.getFirst().code()).isEqualTo(1000);
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> HubbubClient.builder("ftp://h").build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HubbubClient.builder("http://h").requestTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HubbubClient.builder("http://h").maxInFlight(0))
                .isInstanceOf(IllegalArgumentException.class);
        try (HubbubClient c = HubbubClient.builder("http://127.0.0.1:1").build()) {
            assertThatThrownBy(() -> c.request("x", new com.fasterxml.jackson.databind.ObjectMapper().createArrayNode()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("object");
        }
    }

    @Test
    void subscriptionsCanBeRemoved() {
        try (HubbubClient c = HubbubClient.builder("http://127.0.0.1:1").build()) {
            Subscription s = c.on("message:new", p -> { });
            s.unsubscribe();
            s.unsubscribe();
            assertThat(c.rooms()).isEmpty();
            assertThat(c.positions()).isEmpty();
            assertThat(c.position("lobby")).isEmpty();
        }
    }
}
