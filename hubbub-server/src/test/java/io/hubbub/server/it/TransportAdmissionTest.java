package io.hubbub.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.testing.HttpTestClient;
import io.hubbub.server.testing.RawWebSocket;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every transport passes the same connection limiter (security review, item 3): Engine.IO polling and
 * WebSocket handshakes count against {@code limits.perIp} like native connections, for the session's
 * lifetime, and show in /stats; and the server keeps a file-descriptor reserve so /health still answers
 * when connections are refused for lack of descriptors.
 */
class TransportAdmissionTest {

    @Test
    void engineIoHandshakesCountAgainstThePerIpLimitForTheirLifetime() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of("limits.perIp", "3", "limits.connectsPerIpPerSecond", "1000"))) {
            HttpTestClient http = new HttpTestClient("http://127.0.0.1:" + hub.port());
            List<String> sids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = http.get("/socket.io/?EIO=4&transport=polling");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                sids.add(sid(r.body()));
            }
            JsonNode stats = Json.MAPPER.readTree(http.get("/stats").body());
            assertThat(stats.path("transportConnections").asInt()).as("polling sessions count as connections").isEqualTo(3);

            // a fourth session of any transport from this address is refused
            HttpResponse<String> polling = http.get("/socket.io/?EIO=4&transport=polling");
            assertThat(polling.statusCode()).as(polling.body()).isEqualTo(429);
            assertThat(Json.MAPPER.readTree(polling.body()).path("error").path("code").asText()).isEqualTo("limit_exceeded");
            try (RawWebSocket ws = RawWebSocket.connect(hub.port(), "/socket.io/?EIO=4&transport=websocket", 0)) {
                assertThat(ws.status()).as("Engine.IO WebSocket handshake").isEqualTo(429);
            }
            try (RawWebSocket ws = RawWebSocket.connect(hub.port(), "/ws?token=" + hub.token("adm-native"), 0)) {
                assertThat(ws.status()).as("native WebSocket").isEqualTo(429);
            }

            // a session that ends frees its slot
            assertThat(http.post("/socket.io/?EIO=4&transport=polling&sid=" + sids.getFirst(), "1").statusCode()).isEqualTo(200);
            HttpResponse<String> again = null;
            for (int i = 0; i < 100; i++) { // the close is processed on the session's loop
                again = http.get("/socket.io/?EIO=4&transport=polling");
                if (again.statusCode() == 200) break;
                Thread.sleep(20);
            }
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        }
    }

    @Test
    void aDescriptorReserveRefusesNewConnectionsButHealthStillAnswers() throws Exception {
        assumeTrue(ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean,
                "the OS reports file descriptors");
        var os = (com.sun.management.UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long max = os.getMaxFileDescriptorCount();
        long open = os.getOpenFileDescriptorCount();
        // a reserve that leaves about 300 descriptors above what this JVM uses now
        long reserve = max - open - 300;
        assumeTrue(reserve > 1000 && reserve < Integer.MAX_VALUE, "a usable descriptor limit");
        try (TestHubbub hub = TestHubbub.start(Map.of("limits.fileDescriptorReserve", Long.toString(reserve),
                "limits.perIp", "100000", "limits.connectsPerIpPerSecond", "100000"))) {
            List<RawWebSocket> held = new ArrayList<>();
            int refusedStatus = 0;
            try {
                for (int i = 0; i < 400 && refusedStatus == 0; i++) { // each connection takes two descriptors here
                    RawWebSocket ws = RawWebSocket.connect(hub.port(), "/ws?token=" + hub.token("fd-" + i), 0);
                    held.add(ws);
                    if (ws.status() != 101) refusedStatus = ws.status();
                }
                assertThat(refusedStatus).as("new connections are refused before the process limit").isEqualTo(503);
                HttpTestClient http = new HttpTestClient("http://127.0.0.1:" + hub.port());
                assertThat(http.get("/health").statusCode()).as("/health keeps answering").isEqualTo(200);
                String metrics = http.get("/metrics").body();
                assertThat(metrics).contains("hubbub_limit_hits_total{limit=\"descriptors\"}");
                Matcher m = Pattern.compile("(?m)^hubbub_descriptor_refusals (\\S+)$").matcher(metrics);
                assertThat(m.find()).as("refusal metric").isTrue();
                assertThat(Double.parseDouble(m.group(1))).isPositive();
            } finally {
                held.forEach(RawWebSocket::close);
            }
        }
    }

    private static String sid(String handshake) {
        Matcher m = Pattern.compile("\"sid\":\"([^\"]+)\"").matcher(handshake);
        assertThat(m.find()).as(handshake).isTrue();
        return m.group(1);
    }
}
