package io.hubbub.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.server.testing.NativeClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.hubbub.server.testing.Frames.p;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A burst of connects (a fresh node, a reconnect storm) is answered in batches: each user with unread
 * notifications gets exactly those replayed after its welcome, a user with a friend online sees the
 * friend's presence, and users with neither get nothing.
 */
class ConnectBurstTest {

    @Test
    void aBurstOfConnectsGetsTheirNotificationsAndFriendsPresenceInBatches() throws Exception {
        try (ChatServer hub = ChatServer.start(Map.of("limits.connectsPerIpPerSecond", "1000"))) {
            List<String> invited = List.of("inv0", "inv1", "inv2", "inv3", "inv4");
            try (NativeClient ann = hub.connect("ann"); NativeClient bob = hub.connect("bob")) {
                ann.ok("chat:create", p("type", "group", "name", "Later", "members", invited)); // stored for the offline invitees
                ann.ok("friend:request", p("userId", "bob"));
                bob.ok("friend:accept", p("userId", "ann"));
            }
            double batchesBefore = batches(hub);
            List<String> users = new ArrayList<>(invited);
            for (int i = 0; i < 35; i++) users.add("plain" + i);
            users.add("ann");
            List<NativeClient> clients = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
                List<Future<NativeClient>> opened = new ArrayList<>();
                for (String u : users) opened.add(pool.submit(() -> hub.connect(u)));
                for (Future<NativeClient> f : opened) clients.add(f.get());
            }
            try {
                for (int i = 0; i < invited.size(); i++) {
                    JsonNode n = clients.get(i).event("notification:new");
                    assertThat(n.path("type").asText()).isEqualTo("chat:added");
                }
                // ann watches her friend bob: once the watch is up, bob's next connect is announced (bounded retries)
                NativeClient ann = clients.get(users.indexOf("ann"));
                boolean announced = false;
                for (int i = 0; i < 30 && !announced; i++) {
                    try (NativeClient bob = hub.connect("bob")) {
                        announced = ann.sees(f -> f.path("type").asText().equals("presence:user") && f.at("/payload/user").asText().equals("bob")
                                && f.at("/payload/online").asBoolean(), 300);
                    }
                }
                assertThat(announced).isTrue();
                // nothing for users with no friends and nothing unread (checked on a few: each check waits)
                for (int i = invited.size(); i < invited.size() + 3; i++)
                    assertThat(clients.get(i).sees(f -> f.path("type").asText().equals("notification:new"), 300)).isFalse();
            } finally {
                clients.forEach(NativeClient::close);
            }
            double used = batches(hub) - batchesBefore;
            assertThat(used).isPositive().isLessThanOrEqualTo(users.size());
        }
    }

    private static double batches(ChatServer hub) {
        for (String line : hub.server.metrics().scrape().split("\n"))
            if (line.startsWith("hubbub_chat_connect_batches_total ")) return Double.parseDouble(line.substring(line.indexOf(' ') + 1));
        return -1;
    }
}
