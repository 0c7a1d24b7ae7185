package io.hubbub.chat;

import io.hubbub.store.Database;
import io.hubbub.store.EmbeddedPostgresHolder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The group commit's set-based SQL ({@link BatchCommit#commit}) on SQLite and PostgreSQL: one batch
 * spanning more chats, keys and rows than one statement holds ({@code ROWS_PER_STATEMENT}) gets
 * gap-free sequences per chat that continue across batches, a retried clientId (earlier batch or
 * same batch) resolves to the stored message, a missing chat yields no outcome and no row, and the
 * senders' read marks advance to their own newest message but never back.
 */
class ChatStoreCommitTest {

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aLargeBatchOverManyChatsIsGapFreeIdempotentAndAdvancesReadMarks(String kind) throws Exception {
        try (Database db = kind.equals("sqlite") ? Database.sqlite(Files.createTempDirectory("chat-commit"))
                : Database.open(EmbeddedPostgresHolder.freshDatabaseUrl(), "postgres", null, 2)) {
            db.migrate("chat", "db/chat");
            ChatStore store = new ChatStore();
            int chats = 300; // > ROWS_PER_STATEMENT, so the statements are split
            db.useHandle(h -> h.useTransaction(t -> {
                for (int c = 0; c < chats; c++) {
                    store.insertChat(t, new Model.Chat("c" + c, ChatRules.Kind.GROUP, "n", null, null, null, 0, 1, 1), null);
                    store.addMember(t, "c" + c, "a", ChatRules.Role.OWNER, 1);
                    store.addMember(t, "c" + c, "b", ChatRules.Role.MEMBER, 1);
                }
            }));
            // batch 1: two messages per chat (a, then b), all with client ids
            List<Model.Draft> first = new ArrayList<>();
            for (int c = 0; c < chats; c++) {
                first.add(draft("c" + c, "a", "x" + c, 10));
                first.add(draft("c" + c, "b", "y" + c, 11));
            }
            BatchCommit.Batch one = ChatStore.write(db, h -> BatchCommit.commit(h, first));
            assertThat(one.fresh()).hasSize(2 * chats);
            for (int c = 0; c < chats; c++) {
                assertThat(one.outcomes().get(2 * c).message().seq()).isEqualTo(1);
                assertThat(one.outcomes().get(2 * c + 1).message().seq()).isEqualTo(2);
            }
            assertThat(one.members().get("c7")).containsExactlyInAnyOrder("a", "b");

            // batch 2: retries of batch 1 (every key: more than one lookup statement), a retry inside
            // the batch, fresh sends, and a chat that does not exist
            List<Model.Draft> second = new ArrayList<>();
            for (int c = 0; c < chats; c++) second.add(draft("c" + c, "a", "x" + c, 20)); // retries
            second.add(draft("c1", "a", "new", 21));
            second.add(draft("c1", "a", "new", 22)); // the same send twice in one batch
            second.add(draft("c1", "b", null, 23));
            second.add(draft("gone", "a", "g", 24));
            BatchCommit.Batch two = ChatStore.write(db, h -> BatchCommit.commit(h, second));
            for (int c = 0; c < chats; c++) {
                BatchCommit.Committed r = two.outcomes().get(c);
                assertThat(r.duplicate()).isTrue();
                assertThat(r.message().id()).isEqualTo(first.get(2 * c).id());
                assertThat(r.message().seq()).isEqualTo(1);
            }
            BatchCommit.Committed fresh = two.outcomes().get(chats), again = two.outcomes().get(chats + 1);
            assertThat(fresh.duplicate()).isFalse();
            assertThat(fresh.message().seq()).isEqualTo(3);
            assertThat(again.duplicate()).isTrue();
            assertThat(again.message().id()).isEqualTo(fresh.message().id());
            assertThat(two.outcomes().get(chats + 2).message().seq()).isEqualTo(4);
            assertThat(two.outcomes().get(chats + 3)).isNull(); // no such chat
            assertThat(two.fresh()).hasSize(2);

            db.useHandle(h -> {
                assertThat(h.createQuery("SELECT COUNT(*) FROM chat_messages").mapTo(Integer.class).one()).isEqualTo(2 * chats + 2);
                assertThat(h.createQuery("SELECT COUNT(*) FROM chat_messages WHERE chat_id = 'gone'").mapTo(Integer.class).one()).isZero();
                Map<Long, Long> seqs = new HashMap<>();
                h.createQuery("SELECT seq, COUNT(*) FROM chat_messages WHERE chat_id = 'c1' GROUP BY seq")
                        .map((rs, x) -> seqs.put(rs.getLong(1), rs.getLong(2))).list();
                assertThat(seqs).isEqualTo(Map.of(1L, 1L, 2L, 1L, 3L, 1L, 4L, 1L));
                assertThat(store.chat(h, "c1").orElseThrow().lastSeq()).isEqualTo(4);
                assertThat(store.chat(h, "c2").orElseThrow().lastSeq()).isEqualTo(2);
                // own sends advance the sender's marks: a to 3 in c1 (its new message), b to 4
                assertThat(store.member(h, "c1", "a").orElseThrow().lastRead()).isEqualTo(3);
                assertThat(store.member(h, "c1", "b").orElseThrow().lastRead()).isEqualTo(4);
                assertThat(store.member(h, "c1", "b").orElseThrow().lastDelivered()).isEqualTo(4);
                assertThat(store.member(h, "c2", "a").orElseThrow().lastRead()).isEqualTo(1);
                assertThat(store.member(h, "c2", "b").orElseThrow().lastRead()).isEqualTo(2);
            });
            // a mark already beyond the sender's new message is not moved back
            db.useHandle(h -> store.setRead(h, "c3", "a", 10));
            ChatStore.write(db, h -> BatchCommit.commit(h, List.of(draft("c3", "a", null, 30))));
            db.useHandle(h -> assertThat(store.member(h, "c3", "a").orElseThrow().lastRead()).isEqualTo(10));
        }
    }

    private static Model.Draft draft(String chat, String sender, String clientId, long at) {
        return new Model.Draft(ChatService.newId(), chat, sender, clientId, "text", "hello " + at, null, null, null, at);
    }
}
