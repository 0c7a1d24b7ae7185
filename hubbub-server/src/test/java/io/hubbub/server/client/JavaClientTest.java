package io.hubbub.server.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.client.ConnectionState;
import io.hubbub.client.HubbubClient;
import io.hubbub.client.HubbubClientException;
import io.hubbub.client.ReconnectPolicy;
import io.hubbub.core.session.CloseReason;
import io.hubbub.core.session.Session;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The project's Java client against the real server: requests as futures, pushes, reconnect with resume and recovery. */
class JavaClientTest {
    static TestHubbub hub;

    @BeforeAll
    static void start() {
        hub = TestHubbub.start();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    HubbubClient client(String user) throws Exception {
        HubbubClient c = HubbubClient.builder("http://127.0.0.1:" + hub.port()).token(hub.token(user))
                .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofMillis(400))).build();
        c.connect().get(10, TimeUnit.SECONDS);
        return c;
    }

    @Test
    void requestsAnswerAsFuturesAndErrorsCarryTheServerCode() throws Exception {
        try (HubbubClient a = client("jc-a"); HubbubClient b = client("jc-b")) {
            String room = "jc-" + System.nanoTime();
            a.createRoom(Map.of("room", room, "name", "Java")).get(5, TimeUnit.SECONDS);
            b.join(room).get(5, TimeUnit.SECONDS);
            List<JsonNode> got = new CopyOnWriteArrayList<>();
            b.on("message:new", got::add);
            JsonNode ack = a.publish(room, Map.of("text", "hello")).get(5, TimeUnit.SECONDS);
            assertThat(ack.path("offset").asLong()).isEqualTo(1);
            await().atMost(5, TimeUnit.SECONDS).until(() -> got.size() == 1);
            assertThat(got.getFirst().path("data").path("text").asText()).isEqualTo("hello");
            assertThatThrownBy(() -> b.request("room:close", Map.of("room", room)).get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(HubbubClientException.class)
                    .satisfies(e -> assertThat(((HubbubClientException) e).code()).isEqualTo("forbidden"));
        }
    }

    @Test
    void aDroppedClientReconnectsResumesAndReceivesEveryMessageOnceInOrder() throws Exception {
        String room = "jc-rec-" + System.nanoTime();
        try (HubbubClient a = client("jc-pub"); HubbubClient b = client("jc-sub")) {
            a.createRoom(Map.of("room", room, "name", "Recovery")).get(5, TimeUnit.SECONDS);
            b.join(room).get(5, TimeUnit.SECONDS);
            List<Long> offsets = new CopyOnWriteArrayList<>();
            List<Boolean> recovered = new CopyOnWriteArrayList<>();
            List<ConnectionState> states = new CopyOnWriteArrayList<>();
            b.on("message:new", m -> offsets.add(m.path("offset").asLong()));
            b.onRecovery((r, ok) -> recovered.add(ok));
            b.onState(states::add);
            for (int i = 0; i < 3; i++) a.publish(room, i).get(5, TimeUnit.SECONDS);
            await().atMost(5, TimeUnit.SECONDS).until(() -> offsets.size() == 3);

            // the server drops b as it would a dead connection; b must come back by itself
            for (Session s : hub.server().node().sessionsOf("jc-sub")) s.transport().close(CloseReason.HEARTBEAT_TIMEOUT);
            for (int i = 3; i < 10; i++) a.publish(room, i).get(5, TimeUnit.SECONDS);

            await().atMost(10, TimeUnit.SECONDS).until(() -> offsets.size() >= 10 && !recovered.isEmpty());
            assertThat(states).contains(ConnectionState.RECONNECTING);
            assertThat(recovered).containsOnly(true);
            assertThat(offsets).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
            a.publish(room, "after").get(5, TimeUnit.SECONDS);
            await().atMost(5, TimeUnit.SECONDS).until(() -> offsets.size() == 11);
            assertThat(offsets.getLast()).isEqualTo(11L);
        }
    }
}
