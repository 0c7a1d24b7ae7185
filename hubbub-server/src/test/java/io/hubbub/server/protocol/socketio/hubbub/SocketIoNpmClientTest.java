package io.hubbub.server.protocol.socketio.hubbub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The official npm {@code socket.io-client} (pinned by {@code src/test/js/package-lock.json},
 * installed with {@code npm ci}) against a real Hubbub server whose main namespace serves Hubbub's
 * events: each scenario of {@code src/test/js/hubbub.js} runs in Node and prints OK or FAIL.
 */
public class SocketIoNpmClientTest {
    public static final Path JS = Path.of("src/test/js");
    private static TestHubbub hub;
    private static TestHubbub shortWindow;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(commandWorks("node", "--version"), "node is not installed");
        npmCi();
        hub = TestHubbub.start();
        shortWindow = TestHubbub.start(Map.of("recovery.resumeWindow", "500ms"));
    }

    @AfterAll
    static void stop() {
        if (hub != null) hub.close();
        if (shortWindow != null) shortWindow.close();
    }

    /** websocket only, polling only, polling upgraded to websocket: join, send with ack, receive, error acks. */
    @ParameterizedTest
    @ValueSource(strings = {"websocket", "polling", "upgrade"})
    void chatOverEachTransport(String transport) throws Exception {
        assertThat(scenario(hub, transport, Map.of())).contains("transport=" + ("polling".equals(transport) ? "polling" : "websocket"));
    }

    @Test
    void authAcceptsTokensAndRefusesBadTokensMissingTokensAndGuests() throws Exception {
        scenario(hub, "auth", Map.of());
    }

    @Test
    void binaryArgumentsAreRefusedWithBadRequest() throws Exception {
        scenario(hub, "binary", Map.of());
    }

    @Test
    void reconnectWithinTheWindowRecoversMissedMessages() throws Exception {
        assertThat(scenario(hub, "recovery", Map.of())).contains("recovered twice");
    }

    @Test
    void recoveryCoversEveryRoomOfTheSession() throws Exception {
        scenario(hub, "recoveryTwoRooms", Map.of());
    }

    @Test
    void recoveryCoversTopicsToo() throws Exception {
        scenario(hub, "recoveryTopic", Map.of());
    }

    @Test
    void reconnectAfterTheWindowIsNotRecovered() throws Exception {
        assertThat(scenario(shortWindow, "recovery", Map.of("waitMs", 1500, "expectRecovered", false)))
                .contains("not recovered");
    }

    static String scenario(TestHubbub server, String name, Map<String, Object> extra) throws Exception {
        ObjectNode params = Json.object();
        params.putObject("tokens").put("alice", server.token("alice")).put("bob", server.token("bob"));
        params.put("apiKey", TestHubbub.API_KEY);
        params.put("room", "sio-" + name + "-" + UUID.randomUUID().toString().substring(0, 8));
        extra.forEach((k, v) -> params.set(k, Json.MAPPER.valueToTree(v)));
        String output = run(List.of("node", "hubbub.js", "http://127.0.0.1:" + server.port(), name, params.toString()), 40);
        assertThat(output).as(output).startsWith("OK");
        return output;
    }

    public static void npmCi() throws Exception {
        if (!Files.isDirectory(JS.resolve("node_modules/socket.io-client"))) {
            assertThat(run(List.of("npm", "ci", "--no-audit", "--no-fund"), 240)).contains("added");
        }
    }

    /** Runs a command in the test scripts' folder and returns its output (with the exit code when non-zero). */
    public static String run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(JS.toFile()).redirectErrorStream(true).start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s");
        }
        return output.join().strip() + (process.exitValue() == 0 ? "" : "\n(exit " + process.exitValue() + ")");
    }

    public static boolean commandWorks(String... command) {
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
