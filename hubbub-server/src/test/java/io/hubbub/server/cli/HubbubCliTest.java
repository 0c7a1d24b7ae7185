package io.hubbub.server.cli;

import io.hubbub.server.config.ConfigLoader;
import io.hubbub.server.config.HubbubConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the real picocli command tree in-process and checks exit codes and output. */
class HubbubCliTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    private static Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = HubbubCli.execute(env, new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    private static Run run(String... args) {
        return run(Map.of(), args);
    }

    @Test
    void versionComesFromTheFilteredResource() {
        Run r = run("version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("hubbub ").doesNotContain("${").doesNotContain("unknown");
        assertThat(r.out().lines().findFirst().orElseThrow()).matches("hubbub \\d+\\.\\d+\\.\\d+.*");
        assertThat(run("--version").out()).isEqualTo(r.out());
    }

    @Test
    void configDefaultsPrintsALoadableDocument() throws IOException {
        Run r = run("config", "defaults");
        assertThat(r.code()).isZero();
        Path file = dir.resolve("defaults.yaml");
        Files.writeString(file, r.out());
        assertThat(new ConfigLoader().file(file).load().config()).isEqualTo(HubbubConfig.defaults());
        Run check = run("config", "check", file.toString());
        assertThat(check.code()).isZero();
        assertThat(check.out()).startsWith("OK: ");
    }

    @Test
    void configCheckListsEveryProblemAndExitsWithOne() throws IOException {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "server:\n  port: 0\n  prot: 1\nheartbeat:\n  timeout: 1s\n");
        Run r = run("config", "check", file.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("unknown key 'server.prot'");

        Files.writeString(file, "server:\n  port: 70000\nheartbeat:\n  timeout: 1s\n");
        r = run("config", "check", file.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("2 problems").contains("  - server.port: must be 0..65535, got 70000")
                .contains("  - heartbeat.timeout: must be longer than heartbeat.interval");
    }

    @Test
    void configCheckAppliesProductionRulesAndTheEnvironmentOnRequest() throws IOException {
        Path file = dir.resolve("prod.yaml");
        Files.writeString(file, "server:\n  mode: production\n  allowedOrigins: [\"https://app.example.com\"]\nauth:\n  allowGuests: false\n");
        assertThat(run("config", "check", file.toString()).out()).contains("auth.jwtSecret: production mode refuses the built-in dev secret");
        Map<String, String> env = Map.of("HUBBUB_AUTH_JWT_SECRET", "s".repeat(48));
        assertThat(run(env, "config", "check", file.toString()).code()).isEqualTo(1); // env is ignored by default
        Run withEnv = run(env, "config", "check", "--env", file.toString());
        assertThat(withEnv.code()).isZero();
        assertThat(withEnv.out()).contains("OK").contains("mode production");
        assertThat(run(env, "config", "check", "--env", "--dev", file.toString()).out()).contains("mode dev");
        assertThat(run("config", "check", dir.resolve("missing.yaml").toString()).code()).isEqualTo(1);
    }

    @Test
    void serveWithABadConfigExitsWithTwoAndOneLinePerProblem() {
        Run r = run("serve", "--port", "70000");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("hubbub: config error: server.port: must be 0..65535, got 70000 (from command-line override server.port)"
                + System.lineSeparator());

        r = run(Map.of("HUBBUB_SERVER_PORT", "eighty"), "serve");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("server.port: expected a whole number, got 'eighty' (from env HUBBUB_SERVER_PORT)")
                .doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void serveInProductionModeRefusesInsecureDefaults() throws IOException {
        Run r = run("serve", "--production");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines()).hasSize(3).allSatisfy(l -> assertThat(l).startsWith("hubbub: config error: "));
        assertThat(r.err()).contains("HUBBUB_AUTH_JWT_SECRET").contains("server.allowedOrigins").contains("auth.allowGuests");

        Path file = dir.resolve("hubbub.yaml");
        Files.writeString(file, "server:\n  port: 9100\n");
        Files.writeString(dir.resolve("hubbub-prod.yaml"), "server:\n  prot: 1\n");
        r = run("serve", "--config", file.toString(), "--profile", "prod");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown key 'server.prot'").contains("hubbub-prod.yaml");
        r = run(Map.of("HUBBUB_CONFIG", file.toString(), "HUBBUB_PROFILE", "missing"), "serve");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("profile 'missing'");
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(run("serve", "--bogus").code()).isEqualTo(2);
        assertThat(run("serve", "--dev", "--production").code()).isEqualTo(2);
        assertThat(run("serve", "--port", "abc").code()).isEqualTo(2);
        assertThat(run("frobnicate").code()).isEqualTo(2);
        assertThat(run("config", "check").code()).isEqualTo(2);
        assertThat(run("token", "--ttl", "soon").err()).contains("expected a duration");
        Run help = run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("serve", "config", "token", "migrate", "version");
    }

    @Test
    void runtimeErrorsExitWithOne() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = HubbubCli.commandLine(Map.of(), new PrintWriter(out), new PrintWriter(err));
        cl.addSubcommand("boom", new Boom());
        cl.setErr(new PrintWriter(err)); // writers reach only subcommands added before they are set
        assertThat(cl.execute("boom")).isEqualTo(1);
        assertThat(err.toString()).startsWith("hubbub: disk on fire");
    }

    @CommandLine.Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalStateException("disk on fire");
        }
    }
}
