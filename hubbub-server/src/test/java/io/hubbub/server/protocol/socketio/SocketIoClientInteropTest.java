package io.hubbub.server.protocol.socketio;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.hubbub.server.protocol.socketio.conformance.ConformanceApp;
import io.hubbub.server.testing.NettyHttpTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Interoperability with the official npm {@code socket.io-client} (version pinned by
 * {@code src/test/js/package-lock.json}, installed with {@code npm ci} on first use): each scenario
 * of {@code src/test/js/interop.js} runs in Node against a real server with the conformance
 * profile plus two test namespaces: {@code /private} (asynchronous auth: token "good" or refusal
 * with data) and {@code /recover} (connection-state-recovery hooks: pid and offsets).
 */
class SocketIoClientInteropTest {
    private static final Path JS = Path.of("src/test/js");

    private static ConformanceApp app;
    private static NettyHttpTestServer server;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(commandWorks("node", "--version"), "node is not installed");
        if (!Files.isDirectory(JS.resolve("node_modules/socket.io-client"))) {
            assertThat(run(List.of("npm", "ci", "--no-audit", "--no-fund"), 240)).contains("added");
        }
        app = new ConformanceApp();
        var executor = Executors.newVirtualThreadPerTaskExecutor();
        app.socketIo().namespace("/private").onConnect(socket -> CompletableFuture.supplyAsync(() ->
                "good".equals(socket.handshakeAuth().path("token").asText())
                        ? ConnectDecision.ACCEPT
                        : new ConnectDecision.Refuse("unauthorized",
                        JsonNodeFactory.instance.objectNode().put("code", "AUTH_FAILED")), executor));
        app.socketIo().namespace("/recover").onConnect(socket -> {
            if (socket.recoveryPid() != null) {
                socket.pid(socket.recoveryPid());
                socket.emit("recovery-report", JsonNodeFactory.instance.objectNode()
                        .put("pid", socket.recoveryPid()).put("offset", socket.recoveryOffset()));
            } else {
                socket.pid("pid-1");
                socket.emitWithOffset("offset-7", "tick", 1);
            }
            return ConnectDecision.accept();
        });
        server = new NettyHttpTestServer(app::handlers);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            app.close();
            server.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "polling", "upgrade", "namespaces", "auth", "recovery"})
    void scenario(String name) throws Exception {
        String output = run(List.of("node", "interop.js", server.httpUrl(), name), 30);
        assertThat(output).as(output).startsWith("OK");
    }

    private static String run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
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

    private static boolean commandWorks(String... command) {
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
