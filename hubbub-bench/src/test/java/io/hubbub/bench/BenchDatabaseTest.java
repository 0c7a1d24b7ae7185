package io.hubbub.bench;

import io.hubbub.bench.load.ChatScenario;
import io.hubbub.bench.load.Endpoint;
import io.hubbub.bench.load.Protocol;
import io.hubbub.bench.load.Result;
import io.hubbub.bench.load.Scenarios;
import io.hubbub.core.auth.Principal;
import io.hubbub.server.app.HubbubServer;
import io.hubbub.server.config.ConfigLoader;
import io.hubbub.server.config.HubbubConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bench run --db postgresql}: the tool's own PostgreSQL (durable commits), a fresh database per
 * server start, and the chat scenario against a real server on it reporting CPU per message and the
 * database's own CPU. No timing is asserted.
 */
class BenchDatabaseTest {

    @Test
    void chatRunsOnTheToolsPostgresqlWithDurableCommits() throws Exception {
        try (BenchDatabase db = BenchDatabase.open("postgresql")) {
            List<String> first = db.settings(), second = db.settings();
            assertThat(first).as("a fresh database per server start").isNotEqualTo(second);
            Map<String, String> o = new HashMap<>(Map.of("server.host", "127.0.0.1", "server.port", "0",
                    "storage.dataDir", Files.createTempDirectory("bench-pg").toString(),
                    "limits.framesPerSecond", "100000", "limits.frameBurst", "100000", "limits.connectsPerIpPerSecond", "100000"));
            for (String kv : first) o.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            try (var c = DriverManager.getConnection(o.get("storage.jdbcUrl"), "postgres", null);
                 ResultSet rs = c.createStatement().executeQuery("SHOW synchronous_commit")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).as("commits wait for the WAL flush").isEqualTo("on");
            }
            HubbubConfig config = new ConfigLoader().overrides(o).load().config().resolved();
            HubbubServer server = HubbubServer.start(config);
            try {
                ChatScenario.databaseCpu = db::cpuNanos;
                Endpoint endpoint = new Endpoint("127.0.0.1", server.port(), Protocol.NATIVE,
                        user -> server.jwt().issue(Principal.user(user, user)).token());
                var settings = new Scenarios.Settings("pg", endpoint, ProcessHandle.current().pid(), 10, 5, 64, 2, 1.0, 0.5, 1, 4);
                Result r = new Scenarios(settings, System.err, "pg chat").run("chat"); // 5 direct chats
                assertThat(((Number) r.extra().get("persistedMsgsPerSec")).doubleValue()).isPositive();
                assertThat(r.extra()).containsKeys("serverCpuUsPerMsg", "serverCpuUsPerPush", "dbCpuPct")
                        .containsEntry("seqGaps", 0L).containsEntry("unanswered", 0L);
                assertThat(((Number) r.extra().get("dbCpuPct")).doubleValue()).as("the PostgreSQL processes were found").isPositive();
                assertThat(r.lost()).isZero();
            } finally {
                ChatScenario.databaseCpu = null;
                server.close();
            }
        }
    }
}
