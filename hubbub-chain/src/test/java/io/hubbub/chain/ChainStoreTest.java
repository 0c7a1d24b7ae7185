package io.hubbub.chain;

import io.hubbub.store.Database;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fence: once a newer leader wrote, an older one can neither record transactions nor move a cursor. */
class ChainStoreTest {

    @Test
    void aStaleLeaderIsFencedOff() throws Exception {
        try (Database db = Database.sqlite(Files.createTempDirectory("chain-store"))) {
            db.migrate();
            db.migrate("chain", "db/chain");
            ChainStore store = new ChainStore(db);
            store.claimFence(1);
            assertThat(store.recordProcessed("sig-a", 10, "finalized", "[]", 1, 0)).isTrue();
            assertThat(store.recordProcessed("sig-a", 10, "finalized", "[]", 1, 0)).as("once").isFalse();
            store.claimFence(2); // a new leader took over
            assertThatThrownBy(() -> store.recordProcessed("sig-b", 11, "finalized", "[]", 1, 0)).isInstanceOf(ChainStore.FencedException.class);
            assertThatThrownBy(() -> store.recordBatch(List.of("sig-c"), List.of(), (owners, known) ->
                    List.of(new ChainStore.Processed("sig-c", 12, "finalized", "[]")), List.of(), 1, 0)).isInstanceOf(ChainStore.FencedException.class);
            assertThatThrownBy(() -> store.setCursor("addr", "sig-b", 11, 1, 0)).isInstanceOf(ChainStore.FencedException.class);
            assertThat(store.isProcessed("sig-b")).isFalse();
            assertThat(store.cursor("addr")).isEmpty();
            // one transaction: the earlier row marked published, the known one skipped, the owners read, the new one recorded
            store.linkWallet("wallet-1", "ann", 0);
            ChainStore.Recorded r = store.recordBatch(List.of("sig-a", "sig-d"), List.of("wallet-1", "wallet-2"), (owners, known) -> {
                assertThat(owners).isEqualTo(java.util.Map.of("wallet-1", "ann"));
                assertThat(known).containsExactly("sig-a");
                return List.of(new ChainStore.Processed("sig-a", 10, "finalized", "[]"), new ChainStore.Processed("sig-d", 13, "finalized", "[]"));
            }, List.of("sig-a"), 2, 0);
            assertThat(r.fresh()).containsExactly("sig-d");
            assertThat(store.unemitted(10)).extracting(ChainStore.Unemitted::signature).containsExactly("sig-d");
            assertThatThrownBy(() -> store.claimFence(1)).isInstanceOf(ChainStore.FencedException.class);
        }
    }
}
