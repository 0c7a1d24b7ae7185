package io.hubbub.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The npm reference servers in bench/peers: installed with {@code npm ci} from the lock file when missing. */
final class Peers {
    private Peers() {}

    static synchronized void install(Path root) throws IOException, InterruptedException {
        Path dir = root.resolve("bench/peers");
        if (Files.isDirectory(dir.resolve("node_modules/socket.io")) && Files.isDirectory(dir.resolve("node_modules/ws"))
                && Files.isDirectory(dir.resolve("node_modules/@colyseus/core")) && Files.isDirectory(dir.resolve("node_modules/peer"))) return;
        System.err.println("bench: installing the peers (npm ci in " + dir + ")");
        Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(dir.toFile()).inheritIO().start();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) throw new IOException("npm ci failed in " + dir);
    }

    static String version(Path root, String pkg) {
        try {
            String json = Files.readString(root.resolve("bench/peers/node_modules/" + pkg + "/package.json"));
            var m = java.util.regex.Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
            return m.find() ? m.group(1) : "?";
        } catch (IOException e) {
            return "?";
        }
    }
}
