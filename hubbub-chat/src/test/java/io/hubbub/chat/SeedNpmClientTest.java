package io.hubbub.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The official npm {@code socket.io-client} (pinned by {@code src/test/js/package-lock.json}, installed
 * with {@code npm ci}) as a seed-001 client: {@code src/test/js/seed.js} chats with the seed's events and
 * its {@code {success, …}} acknowledgements ({@code auth.ackStyle: "seed"}) against a real server.
 */
class SeedNpmClientTest {
    static final Path JS = Path.of("src/test/js");

    @Test
    void theSeedClientWorksUnchanged() throws Exception {
        assumeTrue(works("node", "--version"), "node is not installed");
        if (!Files.isDirectory(JS.resolve("node_modules/socket.io-client")))
            assertThat(run(List.of("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"), 240)).contains("added");
        try (ChatServer hub = ChatServer.start(Map.of())) {
            ObjectNode params = Json.object();
            params.putObject("tokens").put("ann", hub.token("ann")).put("bob", hub.token("bob"));
            String out = run(List.of("node", "seed.js", "http://127.0.0.1:" + hub.port(), params.toString()), 40);
            assertThat(out).as(out).startsWith("OK");
        }
    }

    static String run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(JS.toFile()).redirectErrorStream(true).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s");
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    static boolean works(String... command) {
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return false;
        }
    }
}
