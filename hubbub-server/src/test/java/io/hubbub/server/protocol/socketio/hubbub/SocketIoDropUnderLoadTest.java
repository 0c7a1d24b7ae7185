package io.hubbub.server.protocol.socketio.hubbub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Socket.IO connection state recovery under load, with the official npm client: several receivers
 * lose their TCP connections at once (no close frame) while a publisher keeps sending, reconnect with
 * {@code auth {pid, offset}}, three times; each must receive every offset of the room exactly once,
 * consecutively, and be recovered every time (scenario {@code dropUnderLoad} of src/test/js/hubbub.js).
 */
class SocketIoDropUnderLoadTest {
    private static TestHubbub hub;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(SocketIoNpmClientTest.commandWorks("node", "--version"), "node is not installed");
        SocketIoNpmClientTest.npmCi();
        // the publisher sends a few hundred messages a second, the receivers reconnect together
        hub = TestHubbub.start(Map.of("limits.framesPerSecond", "5000", "limits.frameBurst", "5000",
                "limits.connectsPerIpPerSecond", "1000"));
    }

    @AfterAll
    static void stop() {
        if (hub != null) hub.close();
    }

    @Test
    void everyReceiverGetsEveryOffsetExactlyOnceAcrossAbruptDrops() throws Exception {
        ObjectNode params = Json.object();
        ObjectNode tokens = params.putObject("tokens");
        tokens.put("alice", hub.token("alice"));
        for (int i = 0; i < 8; i++) tokens.put("r" + i, hub.token("r" + i));
        params.put("room", "drops-" + UUID.randomUUID().toString().substring(0, 8));
        params.put("rounds", 3);
        String output = SocketIoNpmClientTest.run(List.of("node", "hubbub.js", "http://127.0.0.1:" + hub.port(),
                "dropUnderLoad", params.toString()), 60);
        assertThat(output).as(output).startsWith("OK");
        System.out.println("dropUnderLoad: " + output);
    }
}
