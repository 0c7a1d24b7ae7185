package io.hubbub.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import io.hubbub.store.EmbeddedPostgresHolder;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

import static io.hubbub.server.testing.Frames.p;
import static io.hubbub.server.testing.Frames.room;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole server on a real PostgreSQL (embedded, started by the test): accounts, persistent rooms and
 * a restart, and a database outage that the server survives while /ready says so.
 */
class PostgresServerTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static Map<String, String> on(String jdbcUrl) {
        Map<String, String> o = new HashMap<>(RestartTest.CONFIG);
        o.put("storage.jdbcUrl", jdbcUrl);
        return o;
    }

    @Test
    void usersAndPersistentRoomsSurviveARestartOnPostgres() throws Exception {
        String url = EmbeddedPostgresHolder.freshDatabaseUrl();
        RestartTest.usersAndPersistentRoomsSurviveARestart(() -> TestHubbub.start(on(url)));
    }

    @Test
    void whenTheDatabaseStopsTheServerKeepsServingAndReadySaysWhy() throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.builder().start(); // our own server: this test stops it
        try (TestHubbub hub = TestHubbub.start(on(pg.getJdbcUrl("postgres", "postgres")))) {
            HttpResponse<String> up = post(hub, "/api/auth/signup", "{\"username\":\"pg-user\",\"password\":\"pg-password\"}");
            assertThat(up.statusCode()).isEqualTo(201);
            assertThat(get(hub, "/ready").statusCode()).isEqualTo(200);
            String r = room("outage");
            try (NativeClient a = hub.connect("pg-a"); NativeClient b = hub.connect("pg-b")) {
                a.ok("room:create", p("room", r, "name", "Outage"));
                b.ok("room:join", p("room", r));

                pg.close();

                HttpResponse<String> ready = get(hub, "/ready");
                assertThat(ready.statusCode()).isEqualTo(503);
                JsonNode body = Json.MAPPER.readTree(ready.body());
                assertThat(body.path("ready").asBoolean(true)).isFalse();
                assertThat(body.path("checks").path("database").asText()).isEqualTo("unavailable");
                assertThat(body.path("checks").path("engine").asText()).isEqualTo("ok");
                assertThat(get(hub, "/health").statusCode()).as("alive, just not ready").isEqualTo(200);

                HttpResponse<String> signIn = post(hub, "/api/auth/signin", "{\"username\":\"pg-user\",\"password\":\"pg-password\"}");
                assertThat(signIn.statusCode()).isEqualTo(503);
                assertThat(Json.MAPPER.readTree(signIn.body()).path("error").path("code").asText()).isEqualTo("unavailable");
                assertThat(Json.MAPPER.readTree(signIn.body()).path("error").path("message").asText()).doesNotContain("postgres:");
                assertThat(a.error("room:create", p("name", "Needs the database", "persistent", true)).path("code").asText())
                        .isEqualTo("unavailable");

                // realtime traffic does not need the database
                a.ok("message:send", p("room", r, "data", "still flowing"));
                assertThat(b.event("message:new").path("data").asText()).isEqualTo("still flowing");
                try (NativeClient c = hub.connect("pg-c")) {
                    c.ok("room:join", p("room", r));
                    a.ok("message:send", p("room", r, "data", "newcomer"));
                    assertThat(c.event("message:new").path("data").asText()).isEqualTo("newcomer");
                }
            }
        } finally {
            pg.close();
        }
    }

    static HttpResponse<String> get(TestHubbub hub, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(hub.http(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(TestHubbub hub, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(hub.http(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
