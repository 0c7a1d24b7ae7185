package io.hubbub.signaling;

import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A Node client pair (src/test/js/signaling.js: native + seed frames) against a real server. Skipped without node. */
class SignalingNodeClientTest {

    @Test
    void nodeClientsSignalThroughTheNativeProtocolAndTheSeedAdapter() throws Exception {
        List<String> node = nodeCommand();
        if (node == null) System.out.println("SignalingNodeClientTest skipped: node (with a WebSocket) is not installed");
        assumeTrue(node != null, "node with a WebSocket client is not installed");
        try (TestHubbub hub = TestHubbub.start(Map.of())) {
            List<String> cmd = new ArrayList<>(node);
            cmd.addAll(List.of(Path.of("src/test/js/signaling.js").toString(), "ws://127.0.0.1:" + hub.port(),
                    hub.token("ann"), hub.token("bob"), "node-" + System.nanoTime()));
            String out = run(cmd, 30);
            assertThat(out).as(out).startsWith("OK ");
        }
    }

    /** {@code node} if it has a global WebSocket (22+), {@code node --experimental-websocket} on 20/21, else null. */
    static List<String> nodeCommand() {
        for (List<String> c : List.of(List.of("node"), List.of("node", "--experimental-websocket"))) {
            List<String> probe = new ArrayList<>(c);
            probe.addAll(List.of("-e", "process.exit(typeof WebSocket === 'function' ? 0 : 3)"));
            try {
                Process p = new ProcessBuilder(probe).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) return c;
            } catch (IOException | InterruptedException e) {
                return null;
            }
        }
        return null;
    }

    static String run(List<String> command, long timeoutSeconds) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        var output = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "FAIL " + e;
            }
        });
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "FAIL timed out: " + output.getNow("");
        }
        return output.get(5, TimeUnit.SECONDS).strip();
    }
}
