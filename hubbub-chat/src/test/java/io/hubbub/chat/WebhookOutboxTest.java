package io.hubbub.chat;

import io.hubbub.store.Database;
import io.hubbub.store.EmbeddedPostgresHolder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook outbox's claims on SQLite and PostgreSQL: two claimers (as two nodes would) racing over
 * the same rows each get a row at most once, together all of them; a failed attempt is due again
 * later, a claim given back is due at once, an expired lease is claimable again, and an answer to a
 * claim that expired and was claimed since changes nothing.
 */
class WebhookOutboxTest {

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void eachDueRowHasOneClaimerAtATime(String kind) throws Exception {
        try (Database db = kind.equals("sqlite") ? Database.sqlite(Files.createTempDirectory("chat-outbox"))
                : Database.open(EmbeddedPostgresHolder.freshDatabaseUrl(), "postgres", null, 4)) {
            db.migrate("chat", "db/chat");
            WebhookOutbox outbox = new WebhookOutbox(db);
            int rows = 300;
            db.inTransaction(h -> {
                for (int i = 0; i < rows; i++) WebhookOutbox.add(h, "n" + i, "u", "{\"i\":" + i + "}", 1000);
                return null;
            });
            List<String> claimed = Collections.synchronizedList(new ArrayList<>());
            try (ExecutorService two = Executors.newFixedThreadPool(2)) {
                List<CompletableFuture<Void>> claimers = new ArrayList<>();
                for (int t = 0; t < 2; t++)
                    claimers.add(CompletableFuture.runAsync(() -> {
                        for (int round = 0; round < rows; round++) {
                            List<WebhookOutbox.Claimed> got = outbox.claim(7, 2000, 60_000);
                            if (got.isEmpty()) return;
                            got.forEach(c -> claimed.add(c.id()));
                        }
                    }, two));
                CompletableFuture.allOf(claimers.toArray(CompletableFuture[]::new)).join();
            }
            assertThat(claimed).hasSize(rows);
            assertThat(new HashSet<>(claimed)).hasSize(rows);
            assertThat(outbox.claim(10, 2000, 60_000)).as("all leased").isEmpty();

            // the leases expired at 62000: all claimable again; then n0 is delivered, n1 failed (due again
            // at 80000), n2 given back, the rest stay leased until 130000
            List<WebhookOutbox.Claimed> mine = outbox.claim(rows, 70_000, 60_000);
            assertThat(mine).as("expired leases are claimable again").hasSize(rows);
            WebhookOutbox.Claimed n0 = find(mine, "n0"), n1 = find(mine, "n1"), n2 = find(mine, "n2");
            outbox.remove(n0);
            outbox.retryAt(n1, 80_000);
            outbox.release(n2);
            assertThat(ids(outbox.claim(10, 70_001, 1))).containsExactly("n2");
            List<WebhookOutbox.Claimed> later = outbox.claim(rows, 200_000, 60_000);
            assertThat(ids(later)).contains("n1", "n2").doesNotContain("n0").hasSize(rows - 1);
            assertThat(find(later, "n1").attempts()).isEqualTo(1);
            // a late answer to the expired claim of n1 (claimed again since) changes nothing
            outbox.remove(n1);
            assertThat(outbox.size()).isEqualTo(rows - 1);
        }
    }

    private static WebhookOutbox.Claimed find(List<WebhookOutbox.Claimed> list, String id) {
        return list.stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow(() -> new AssertionError("no " + id + " in " + list));
    }

    private static List<String> ids(List<WebhookOutbox.Claimed> list) {
        return list.stream().map(WebhookOutbox.Claimed::id).toList();
    }
}
