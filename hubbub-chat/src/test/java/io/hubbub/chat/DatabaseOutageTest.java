package io.hubbub.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.store.EmbeddedPostgresHolder;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;

import static io.hubbub.server.testing.Frames.p;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A PostgreSQL outage (the chat's database refuses connections and its sessions are killed): a send
 * answers {@code unavailable} and stores nothing (never a false ack); when the database is back the
 * server recovers by itself and the sequence continues without a gap.
 */
class DatabaseOutageTest {

    @Test
    void anOutageGivesUnavailableAndTheServerRecovers() throws Exception {
        String url = EmbeddedPostgresHolder.freshDatabaseUrl();
        String dbName = url.substring(url.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
        try (ChatServer hub = ChatServer.start(Map.of("storage.jdbcUrl", url));
             NativeClient ann = hub.connect("ann"); NativeClient bob = hub.connect("bob")) {
            String chat = ann.ok("chat:create", p("type", "direct", "userId", "bob")).at("/chat/id").asText();
            assertThat(ann.ok("message:new", p("chatId", chat, "text", "before")).at("/message/seq").asLong()).isEqualTo(1);

            admin("ALTER DATABASE " + dbName + " ALLOW_CONNECTIONS false");
            admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + dbName + "'");
            JsonNode down = ann.error("message:new", p("chatId", chat, "text", "during", "clientId", "retry-me"));
            assertThat(down.path("code").asText()).as(down.toString()).isEqualTo("unavailable");

            admin("ALTER DATABASE " + dbName + " ALLOW_CONNECTIONS true");
            JsonNode again = null;
            for (int i = 0; i < 50 && again == null; i++) { // the pool reconnects on its own; bounded retries of the client
                JsonNode f = ann.request("message:new", p("chatId", chat, "text", "during", "clientId", "retry-me"));
                if (f.path("type").asText().equals("reply")) again = f.path("payload");
                else {
                    assertThat(f.at("/payload/code").asText()).isEqualTo("unavailable");
                    Thread.sleep(200);
                }
            }
            assertThat(again).as("recovered").isNotNull();
            assertThat(again.at("/message/seq").asLong()).as("the refused send stored nothing").isEqualTo(2);
            assertThat(again.path("duplicate").asBoolean()).isFalse();
            JsonNode history = bob.ok("chat:history", p("chatId", chat));
            assertThat(ChatFlowTest.seqs(history)).containsExactly(1L, 2L);
        } finally {
            admin("ALTER DATABASE " + dbName + " ALLOW_CONNECTIONS true");
        }
    }

    static void admin(String sql) throws Exception {
        try (Connection c = EmbeddedPostgresHolder.server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
