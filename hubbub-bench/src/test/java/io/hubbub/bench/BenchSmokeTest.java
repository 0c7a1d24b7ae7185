package io.hubbub.bench;

import io.hubbub.bench.load.Endpoint;
import io.hubbub.bench.load.Protocol;
import io.hubbub.bench.load.Result;
import io.hubbub.bench.load.Scenarios;
import io.hubbub.bench.report.Chart;
import io.hubbub.bench.report.Table;
import io.hubbub.core.auth.Principal;
import io.hubbub.server.app.HubbubServer;
import io.hubbub.server.config.ConfigLoader;
import io.hubbub.server.config.HubbubConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A seconds-long run of the load generator against a real Hubbub server on 127.0.0.1: proves the
 * tool connects, publishes, receives, measures latency and accounts for every message. No timing is
 * asserted — only that something real was measured and nothing was lost.
 */
class BenchSmokeTest {
    HubbubServer server; // one per test: the scenarios name their rooms alike

    @BeforeEach
    void start() throws Exception {
        Map<String, String> o = new java.util.HashMap<>(Map.of("server.host", "127.0.0.1", "server.port", "0",
                "storage.dataDir", Files.createTempDirectory("bench-smoke").toString(),
                "limits.framesPerSecond", "100000", "limits.frameBurst", "100000", "limits.connectsPerIpPerSecond", "100000",
                "limits.perUser", "1000", "history.maxUserHistorySize", "10000", // the reconnect scenario asks for 10,000
                // a reconnecting client's missed messages are replayed into its outbound queue before it is live;
                // on a loaded machine (a busy CI) reconnects take seconds and the backlog outgrows the default queue
                "limits.outboundQueueFrames", "8192"));
        // 200 Socket.IO clients reconnecting at once replay their backlogs before CONNECT completes; on a loaded
        // machine that takes longer than the production default of 10 s for an unauthenticated session
        o.put("socketio.connectTimeout", "60s");
        o.put("auth.allowGuests", "true"); // the --guest connect run
        HubbubConfig config = new ConfigLoader().overrides(o).load().config().resolved();
        server = HubbubServer.start(config);
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private Result run(String scenario, int connections, double rate) throws Exception {
        return run(Protocol.NATIVE, scenario, connections, rate);
    }

    private Result run(Protocol protocol, String scenario, int connections, double rate) throws Exception {
        Endpoint endpoint = new Endpoint("127.0.0.1", server.port(), protocol,
                user -> server.jwt().issue(Principal.user(user, user)).token())
                .withAdminTokens(user -> server.jwt().issue(new Principal(user, user, io.hubbub.core.auth.Role.ADMIN, null, 0)).token());
        long pid = ProcessHandle.current().pid();
        var settings = new Scenarios.Settings("smoke", endpoint, pid, connections, rate, 64, 5, 1.0, 0.5, 1, 4);
        Result r = new Scenarios(settings, System.err, "smoke " + scenario).run(scenario);
        System.out.print(Table.text(List.of(r)));
        return r;
    }

    @Test
    void fanoutDeliversEveryMessageToEveryMemberAndMeasuresLatency() throws Exception {
        Result r = run("fanout", 30, 40);
        assertThat(r.sent()).isGreaterThan(0);
        assertThat(r.deliveries()).isGreaterThanOrEqualTo(r.sent() * 30);
        assertThat(r.lost()).isZero();
        assertThat(r.reordered()).isZero();
        assertThat(r.disconnects()).isZero();
        assertThat(r.p50()).isGreaterThan(0);
        assertThat(r.max()).isGreaterThanOrEqualTo(r.p99());
        assertThat(r.serverCpuUsPerDelivery()).isGreaterThan(0);
        assertThat(Chart.svg(List.of(r), Map.of())).contains("<svg").contains("smoke");
    }

    @Test
    void guestClientsAuthenticateWithAnAuthFrame() throws Exception {
        Endpoint endpoint = new Endpoint("127.0.0.1", server.port(), Protocol.NATIVE,
                user -> server.jwt().issue(Principal.user(user, user)).token()).asGuest();
        assertThat(endpoint.token("u1")).isNull(); // no token in the URL: the client must send auth
        var settings = new Scenarios.Settings("smoke", endpoint, ProcessHandle.current().pid(), 20, 1, 64, 5, 0.5, 0, 1, 4);
        Result r = new Scenarios(settings, System.err, "smoke guest connect").run("connect");
        assertThat(r.lost()).isZero(); // connect: lost = clients that never got session:welcome
        assertThat(r.errors()).isZero();
    }

    /** A paced connect run (the fresh-node measurement of issue 14, small): every connection opened, its latency measured. */
    @Test
    void pacedConnectMeasuresConnectLatencyAndCpuPerConnection() throws Exception {
        Endpoint endpoint = new Endpoint("127.0.0.1", server.port(), Protocol.NATIVE,
                user -> server.jwt().issue(Principal.user(user, user)).token());
        var settings = new Scenarios.Settings("smoke", endpoint, ProcessHandle.current().pid(), 50, 1, 64, 5, 0.2, 0, 1, 4, 500);
        Result r = new Scenarios(settings, System.err, "smoke paced connect").connectThen(30).run("connect");
        System.out.print(Table.text(List.of(r)));
        assertThat(r.connections()).isEqualTo(50);
        // --then: 30 more on the same server, their RSS apart (this JVM is the "server": its RSS is readable)
        assertThat(r.extra()).containsEntry("thenConnections", 30).containsKey("rssPerConnKbThen");
        assertThat((double) r.extra().get("rssPerConnKbThen")).isNotEqualTo(-1.0);
        assertThat(r.lost()).isZero();
        assertThat(r.errors()).isZero();
        assertThat(r.p50()).isPositive();
        assertThat(r.p99()).isGreaterThanOrEqualTo(r.p50());
        assertThat(r.serverCpuUsPerDelivery()).isPositive(); // server CPU per connection
        assertThat(r.extra()).containsEntry("pacedRate", 500.0);
    }

    @Test
    void spacesAvatarsWalkAndSeeEachOther() throws Exception {
        for (boolean compact : new boolean[] {true, false}) { // the compact frames (the default) and the full ones
            Endpoint endpoint = new Endpoint("127.0.0.1", server.port(), Protocol.NATIVE,
                    user -> server.jwt().issue(Principal.user(user, user)).token());
            var settings = new Scenarios.Settings("smoke", endpoint, ProcessHandle.current().pid(), 20, 5, 64, 5, 1.0, 0.5, 1, 4);
            Result r = new Scenarios(settings, System.err, "smoke spaces").spacesCompact(compact).run("spaces");
            assertThat(r.extra()).containsEntry("form", compact ? "compact" : "full");
            assertThat(r.extra()).doesNotContainKey("unknownNumbers"); // every short number was mapped to its avatar
            assertThat(r.sent()).isGreaterThan(0); // accepted moves in the window
            assertThat(r.extra()).containsEntry("rejectedMoves", 0L);
            assertThat(r.deliveries()).isGreaterThan(0);
            assertThat(r.p50()).isGreaterThan(0); // entries were matched to their movers' steps
            assertThat(r.disconnects()).isZero();
            assertThat(r.errors()).isZero();
        }
    }

    @Test
    void roomsEveryMemberPublishing() throws Exception {
        Result r = run("rooms", 20, 5);
        assertThat(r.deliveries()).isGreaterThan(0);
        assertThat(r.lost()).isZero();
        assertThat(r.reordered()).isZero();
    }

    @Test
    void reconnectResumesAndRecoversWithoutLoss() throws Exception {
        Result r = run("reconnect", 10, 20);
        assertThat(r.extra()).containsEntry("recovered", 10);
        assertThat(r.deliveries()).isGreaterThan(0);
        assertThat(r.lost()).isZero();
    }

    @Test
    void socketIoClientsFanOutAndRecoverThroughConnectionStateRecovery() throws Exception {
        Result fanout = run(Protocol.SOCKETIO, "fanout", 20, 40);
        assertThat(fanout.deliveries()).isGreaterThanOrEqualTo(fanout.sent() * 20).isPositive();
        assertThat(fanout.lost()).isZero();
        Result r = run(Protocol.SOCKETIO, "reconnect", 10, 20);
        assertThat(r.extra()).containsEntry("recovered", 10);
        assertThat(r.lost()).isZero();
    }

    /**
     * Chain events: a server whose listener watches the scenario's fake Solana node delivers every
     * landed transaction's MarketData message to each subscriber of its topic (20 clients, 5 per topic).
     */
    @Test
    void chainEventsReachEverySubscriberOfTheirTopic() throws Exception {
        startChainServer();
        Result r = run("chain", 20, 20);
        assertThat(((Number) r.extra().get("events")).longValue()).isPositive();
        assertThat(r.deliveries()).isEqualTo(((Number) r.extra().get("expectedDeliveries")).longValue());
        assertThat(r.extra()).containsEntry("missing", 0L);
        assertThat(r.p50()).isGreaterThan(0);
        assertThat(r.disconnects()).isZero();
    }

    /**
     * Verified payments: 5 of 20 room members link a wallet (Ed25519 over the real routes) and submit
     * payments the scenario's fake node knows; each is verified and counted once (replays refused
     * tx_already_used) and the ranking updates reach the submitters and every watcher.
     */
    @Test
    void chainSubmissionsAreVerifiedCountedOnceAndMoveTheRoomRanking() throws Exception {
        startChainServer();
        Result r = run("chain-submit", 20, 20);
        long submitted = ((Number) r.extra().get("submitted")).longValue();
        assertThat(submitted).isPositive();
        assertThat(r.extra()).containsEntry("counted", submitted).containsEntry("refused", 0L).containsEntry("unanswered", 0L)
                .containsEntry("countedNeverSeen", 0L).containsEntry("watchersBehindFinalTop", 0);
        int replayed = (Integer) r.extra().get("replayed");
        assertThat(replayed).isPositive();
        assertThat(r.extra()).containsEntry("replayRefusedAlreadyUsed", replayed);
        assertThat(((Number) r.extra().get("verifiedPerSec")).doubleValue()).isPositive();
        assertThat(((Number) r.extra().get("ackP99Ms")).doubleValue()).isPositive();
        assertThat(((Number) r.extra().get("rankSeenP50Ms")).doubleValue()).isPositive();
        assertThat(((Number) r.extra().get("roomSeenP50Ms")).doubleValue()).isPositive();
        assertThat(((Number) r.extra().get("updatesDelivered")).longValue()).isPositive();
        assertThat(r.lost()).isZero();
        assertThat(r.disconnects()).isZero();
    }

    /** Replaces the default server with one whose chain listener and payments use the scenarios' fake Solana node. */
    private void startChainServer() throws Exception {
        server.close();
        Map<String, String> o = new java.util.HashMap<>(Map.of("server.host", "127.0.0.1", "server.port", "0",
                "storage.dataDir", Files.createTempDirectory("bench-smoke-chain").toString(), "limits.connectsPerIpPerSecond", "100000"));
        for (String kv : io.hubbub.bench.load.ChainScenario.serverSettings()) o.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        server = HubbubServer.start(new ConfigLoader().overrides(o).load().config().resolved());
    }

    /** Two-peer signaling rooms: opened (create + join), offer/answer/candidates relayed to the named peer, none lost. */
    @Test
    void signalRoomsOpenAndRelayEverySignalToTheNamedPeer() throws Exception {
        Result r = run("signal", 20, 2);
        assertThat(r.extra()).containsEntry("roomsOpened", 20).containsEntry("roomsFailed", 0);
        assertThat(((Number) r.extra().get("roomsPerSec")).doubleValue()).isPositive();
        assertThat(r.extra()).containsEntry("roomsOpenedWarm", 20).containsEntry("roomsFailedWarm", 0);
        assertThat(((Number) r.extra().get("roomsPerSecWarm")).doubleValue()).isPositive();
        assertThat(((Number) r.extra().get("offers")).longValue()).isPositive();
        assertThat(((Number) r.extra().get("offerP50Ms")).doubleValue()).isPositive();
        assertThat(r.deliveries()).isPositive();
        assertThat(r.p50()).isGreaterThan(0);
        assertThat(r.lost()).isZero();
        assertThat(r.errors()).isZero();
        assertThat(r.disconnects()).isZero();
    }

    /** Group chats over the native protocol: every send acknowledged after its commit, pushed to every member in seq order. */
    @Test
    void chatMessagesArePersistedAcknowledgedAndPushedToEveryMember() throws Exception {
        Result r = run("chat", 20, 5); // 4 groups of 5 (the smoke room size), 5 msgs/s per user
        assertThat(r.sent()).as("acked in the window").isPositive();
        assertThat(((Number) r.extra().get("persistedMsgsPerSec")).doubleValue()).isPositive();
        assertThat(((Number) r.extra().get("ackP99Ms")).doubleValue()).isPositive();
        assertThat(r.deliveries()).isPositive();
        assertThat(r.extra()).containsEntry("refusedSends", 0L).containsEntry("seqGaps", 0L).containsEntry("unanswered", 0L);
        assertThat(r.lost()).isZero();
        assertThat(r.reordered()).isZero();
        assertThat(r.errors()).isZero();
        assertThat(r.disconnects()).isZero();
    }

    /**
     * Many Socket.IO clients dropping at once while messages flow: recovery must replay each missed
     * message exactly once. The load client must take its recovery offset only after the old
     * connection has read its last message (it once copied it earlier and counted replays of
     * messages the old connection still read as duplicates). Sized (100 clients, 200 msg/s: 20k
     * deliveries/s) so that a 2-core machine busy with other work still recovers them all in time.
     */
    @Test
    void socketIoReconnectUnderLoadHasNoDuplicates() throws Exception {
        Result r = run(Protocol.SOCKETIO, "reconnect", 100, 200);
        assertThat(r.extra()).containsEntry("recovered", 100);
        assertThat(r.lost()).isZero();
        assertThat(r.reordered()).isZero();
    }
}
