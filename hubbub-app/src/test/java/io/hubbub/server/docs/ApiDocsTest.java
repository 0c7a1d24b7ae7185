package io.hubbub.server.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.session.CloseReason;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps docs/asyncapi.yaml, docs/openapi.yaml (and the event list of docs/PROTOCOL.md) in step with
 * the code: the registered event handlers, the error codes, the close codes and the HTTP routes of a
 * running server must match the documents both ways, and real frames and HTTP responses captured from
 * that server must conform to the documented schemas.
 */
class ApiDocsTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static TestHubbub hub;
    static JsonNode asyncapi;
    static JsonNode openapi;
    static SchemaChecker async;
    static SchemaChecker open;

    @BeforeAll
    static void start() throws IOException {
        Path docs = docsDir();
        asyncapi = YAML.readTree(docs.resolve("asyncapi.yaml").toFile());
        openapi = YAML.readTree(docs.resolve("openapi.yaml").toFile());
        async = new SchemaChecker(asyncapi);
        open = new SchemaChecker(openapi);
        hub = TestHubbub.start();
    }

    @AfterAll
    static void stop() {
        if (hub != null) hub.close();
    }

    /** The repository's docs/ directory, found upwards from the working directory (the module when run by Maven). */
    static Path docsDir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("docs/asyncapi.yaml"))) return p.resolve("docs");
        }
        throw new IllegalStateException("docs/asyncapi.yaml not found above " + Path.of("").toAbsolutePath());
    }

    // ------------------------------------------------------------------ (a) events

    @Test
    void everyRegisteredEventIsADocumentedSendOperationAndViceVersa() {
        Set<String> registered = hub.server().node().eventTypes();
        assertThat(registered).contains("auth", "room:join", "message:send"); // the node really reports its handlers
        Set<String> documented = new TreeSet<>();
        for (JsonNode op : sendOperations()) {
            for (JsonNode m : op.get("messages")) {
                JsonNode msg = async.deref(m);
                String name = msg.get("name").asText();
                documented.add(name);
                // the frame schema of the message names the same type
                JsonNode frame = async.deref(msg.get("payload"));
                assertThat(frame.path("properties").path("type").path("const").asText())
                        .as("payload type const of send message %s", name).isEqualTo(name);
            }
            assertThat(op.path("reply").path("messages")).as("every request documents its reply and error").hasSize(2);
        }
        assertThat(documented).as("documented send operations").isEqualTo(registered);
    }

    @Test
    void everyRegisteredEventHasAHeadingInProtocolMd() throws IOException {
        String md = Files.readString(docsDir().resolve("PROTOCOL.md"));
        List<String> missing = new ArrayList<>();
        for (String type : hub.server().node().eventTypes()) {
            boolean found = md.lines().anyMatch(l -> l.startsWith("### ") && l.contains("`" + type + "`"));
            if (!found) missing.add(type);
        }
        assertThat(missing).as("events without a '### `type`' section in PROTOCOL.md").isEmpty();
    }

    // ------------------------------------------------------------------ (b) error and close codes

    @Test
    void errorCodeEnumsAreExactlyTheWireCodes() {
        Set<String> wire = new TreeSet<>();
        for (ErrorCode c : ErrorCode.values()) wire.add(c.wire());
        assertThat(texts(asyncapi.at("/components/schemas/ErrorCode/enum"))).isEqualTo(wire);
        assertThat(texts(openapi.at("/components/schemas/ErrorCode/enum"))).isEqualTo(wire);
        // the error frame really uses that enum
        assertThat(async.deref(asyncapi.at("/components/schemas/ErrorPayload/properties/code")))
                .isEqualTo(asyncapi.at("/components/schemas/ErrorCode"));
    }

    @Test
    void everyCloseCodeIsDescribed() throws IllegalAccessException {
        String description = asyncapi.at("/info/description").asText();
        int n = 0;
        for (Field f : CloseReason.class.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || f.getType() != CloseReason.class) continue;
            CloseReason r = (CloseReason) f.get(null);
            assertThat(description).as("close code %s", f.getName()).contains("- " + r.code() + " \"" + r.reason() + "\"");
            n++;
        }
        assertThat(n).isGreaterThanOrEqualTo(12);
    }

    // ------------------------------------------------------------------ (c) HTTP routes

    @Test
    void everyHttpRouteIsDocumentedAndViceVersa() {
        Set<String> routes = new TreeSet<>(hub.server().httpApi().routes());
        assertThat(routes).contains("POST /api/publish", "GET /api/rooms/{id}");
        Set<String> documented = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = openapi.get("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            for (Iterator<String> m = path.getValue().fieldNames(); m.hasNext(); ) {
                String method = m.next();
                if (Set.of("get", "put", "post", "patch", "delete").contains(method)) {
                    documented.add(method.toUpperCase() + " " + path.getKey());
                }
            }
        }
        assertThat(documented).isEqualTo(routes);
    }

    @Test
    void realHttpResponsesMatchTheirDocumentedSchemas() throws Exception {
        http("GET", "/health", "/health", null, null, 200);
        http("GET", "/info", "/info", null, null, 200);
        http("GET", "/stats", "/stats", null, null, 200);
        http("GET", "/ready", "/ready", null, null, 200);
        http("GET", "/api/rooms", "/api/rooms", null, null, 401);
        String token = hub.token("hal");
        http("GET", "/api/rooms?limit=abc", "/api/rooms", token, null, 400);
        http("POST", "/api/publish", "/api/publish", TestHubbub.API_KEY, "{\"topic\":\"news\",\"data\":{\"a\":1}}", 200);
        http("POST", "/api/publish", "/api/publish", TestHubbub.API_KEY, "{\"room\":\"no-such-room\",\"data\":1}", 404);
        http("POST", "/api/broadcast", "/api/broadcast", TestHubbub.API_KEY,
                "{\"targets\":[{\"topic\":\"a\"},{\"room\":\"nope\"},{\"user\":\"u1\"}],\"data\":true}", 200);
        http("POST", "/api/auth/signup", "/api/auth/signup", null, "{\"username\":\"docs-user\",\"password\":\"long-enough-pw\"}", 201);
        JsonNode in = http("POST", "/api/auth/signin", "/api/auth/signin", null, "{\"username\":\"docs-user\",\"password\":\"long-enough-pw\"}", 200);
        String account = in.get("token").asText();
        http("GET", "/api/me", "/api/me", account, null, 200);
        http("POST", "/api/auth/token", "/api/auth/token", account, "{\"roomId\":\"lobby\"}", 200);
        http("GET", "/api/rooms", "/api/rooms", account, null, 200);
        http("GET", "/api/admin/rooms", "/api/admin/rooms", account, null, 403);
        http("GET", "/api/admin/connections", "/api/admin/connections", TestHubbub.API_KEY, null, 200);
        JsonNode cluster = http("GET", "/api/cluster", "/api/cluster", null, null, 200);
        assertThat(cluster.path("nodes")).as("a single node is a cluster of one").hasSize(1);
        http("GET", "/api/route?room=lobby", "/api/route", null, null, 200);
        http("GET", "/api/route?room=", "/api/route", null, null, 400);
    }

    /** Calls the server, and checks the status is documented for the route and the body matches its schema. */
    JsonNode http(String method, String uri, String template, String bearer, String body, int expected) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(hub.http(uri));
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> res = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as("%s %s: %s", method, uri, res.body()).isEqualTo(expected);
        JsonNode response = openapi.path("paths").path(template).path(method.toLowerCase()).path("responses").path(String.valueOf(expected));
        assertThat(response.isMissingNode()).as("status %d of %s %s is documented", expected, method, template).isFalse();
        JsonNode schema = open.deref(response).path("content").path("application/json").path("schema");
        JsonNode json = Json.MAPPER.readTree(res.body());
        assertThat(open.check(schema, json)).as("%s %s → %s", method, uri, json).isEmpty();
        return json;
    }

    // ------------------------------------------------------------------ (d) real frames

    @Test
    void realFramesMatchTheDocumentedSchemas() {
        String room = "docs-" + System.nanoTime();
        try (NativeClient ann = hub.connect("ann"); NativeClient bob = hub.connect("bob")) {
            event(ann, "session:welcome");
            event(bob, "session:welcome");
            request(ann, "ping", Json.object());
            request(ann, "room:create", p("room", room, "name", "Docs", "metadata", Map.of("topic", "api")));
            JsonNode joined = request(bob, "room:join", p("room", room));
            assertThat(joined.at("/payload/members")).as("presence is on: members listed").isNotEmpty();
            event(ann, "presence:join");
            request(ann, "message:send", p("room", room, "data", Map.of("text", "hello")));
            event(ann, "message:new");
            event(bob, "message:new");
            JsonNode rejoin = request(bob, "room:history", p("room", room, "limit", 10));
            assertThat(rejoin.at("/payload/messages")).hasSize(1);
            request(bob, "presence:set", p("status", "away", "custom", Map.of("mood", "busy")));
            event(ann, "presence:update");
            request(ann, "typing:start", p("room", room));
            event(bob, "typing:start");
            request(ann, "room:ephemeral", p("room", room, "event", "cursor", "data", Map.of("x", 1)));
            event(bob, "room:ephemeral");
            request(ann, "message:direct", p("to", "bob", "data", "psst"));
            event(bob, "message:direct");
            request(ann, "room:list", Json.object());
            request(ann, "room:get", p("room", room));
            request(ann, "room:members", p("room", room));
            request(ann, "room:update", p("room", room, "capacity", 10));
            event(bob, "room:updated");
            request(ann, "state:set", p("room", room, "key", "pos:ann", "value", Map.of("x", 1)));
            event(bob, "state:changed");
            request(bob, "state:get", p("room", room));
            request(bob, "state:get", p("room", room, "key", "pos:ann"));
            request(ann, "state:delete", p("room", room, "key", "pos:ann"));
            event(bob, "state:changed");
            // the one jar runs the chat feature, whose presence privacy hides strangers (docs/CHAT.md)
            JsonNode hidden = request(ann, "presence:subscribe", p("users", List.of("bob", "nobody")));
            assertThat(hidden.at("/payload/code").asText()).isEqualTo("forbidden");
            assertThat(hidden.at("/payload/details/users")).hasSize(2);
            request(ann, "presence:subscribe", p("users", List.of("ann")));
            request(ann, "presence:query", p("users", List.of("ann")));
            request(ann, "topic:subscribe", p("topic", "docs-news"));
            hub.server().node().messaging().publishToTopic("docs-news", null, Json.object().put("n", 1)).join();
            event(ann, "topic:message");
            request(ann, "topic:unsubscribe", p("topic", "docs-news"));
            request(ann, "session:resume", p("token", "not-a-resume-token"));
            request(ann, "room:leave", p("room", room));
            event(bob, "presence:leave");
            event(bob, "room:host");
            request(bob, "room:close", p("room", room, "reason", "done"));
            event(bob, "room:closed");

            // errors: with the request's id, and without one
            JsonNode err = request(ann, "room:join", p("room", "no-such-room-" + System.nanoTime()));
            assertThat(err.at("/payload/code").asText()).isEqualTo("not_found");
            assertThat(request(ann, "no:such-event", Json.object()).at("/payload/code").asText()).isEqualTo("unknown_event");
            ann.sendRaw("{not json");
            JsonNode untied = ann.take(f -> "error".equals(f.path("type").asText()));
            assertThat(untied.has("id")).isFalse();
            assertThat(async.check(schemaOf("error"), untied)).as("%s", untied).isEmpty();
        }
    }

    @Test
    void theCheckerRejectsFramesThatBreakTheSchemas() {
        try (NativeClient c = hub.connect("cyd")) {
            JsonNode welcome = c.take(f -> "session:welcome".equals(f.path("type").asText()));
            JsonNode schema = schemaOf("session:welcome");
            assertThat(async.check(schema, welcome)).isEmpty();
            ObjectNode noSession = welcome.deepCopy();
            ((ObjectNode) noSession.get("payload")).remove("sessionId");
            assertThat(async.check(schema, noSession)).anyMatch(e -> e.contains("sessionId"));
            ObjectNode badRole = welcome.deepCopy();
            ((ObjectNode) badRole.at("/payload/user")).put("role", "superuser");
            assertThat(async.check(schema, badRole)).anyMatch(e -> e.contains("superuser"));
            ObjectNode stringProtocol = welcome.deepCopy();
            ((ObjectNode) stringProtocol.get("payload")).put("protocol", "1");
            assertThat(async.check(schema, stringProtocol)).isNotEmpty();

            JsonNode err = c.request("room:get", p("room", "missing-room"));
            ObjectNode unknownCode = err.deepCopy();
            ((ObjectNode) unknownCode.get("payload")).put("code", "teapot");
            assertThat(async.check(schemaOf("error"), err)).isEmpty();
            assertThat(async.check(schemaOf("error"), unknownCode)).anyMatch(e -> e.contains("teapot"));
        }
    }

    // ------------------------------------------------------------------ helpers

    List<JsonNode> sendOperations() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode op : asyncapi.get("operations")) if ("send".equals(op.path("action").asText())) out.add(op);
        assertThat(out).isNotEmpty();
        return out;
    }

    /** Sends a request; checks its answer against the documented reply (or error) of that operation. */
    JsonNode request(NativeClient c, String type, JsonNode payload) {
        JsonNode answer = c.request(type, payload);
        JsonNode schema;
        if ("error".equals(answer.path("type").asText())) {
            schema = schemaOf("error");
        } else {
            JsonNode op = sendOperations().stream()
                    .filter(o -> async.deref(o.get("messages").get(0)).path("name").asText().equals(type))
                    .findFirst().orElseThrow(() -> new AssertionError("no send operation documents " + type));
            schema = async.deref(async.deref(op.at("/reply/messages/0")).get("payload"));
            // the request we sent conforms to the documented request too
            ObjectNode sent = Json.object().put("type", type).put("id", 1);
            sent.set("payload", payload);
            assertThat(async.check(async.deref(op.get("messages").get(0)).get("payload"), sent)).as("request %s", sent).isEmpty();
        }
        assertThat(async.check(schema, answer)).as("answer to %s: %s", type, answer).isEmpty();
        return answer;
    }

    /** Waits for a pushed event; checks the whole frame against the documented receive message of that name. */
    JsonNode event(NativeClient c, String type) {
        JsonNode frame = c.take(f -> type.equals(f.path("type").asText()));
        assertThat(async.check(schemaOf(type), frame)).as("event %s", frame).isEmpty();
        return frame;
    }

    /** The frame schema of the receive message named {@code name}. */
    JsonNode schemaOf(String name) {
        for (JsonNode op : asyncapi.get("operations")) {
            if (!"receive".equals(op.path("action").asText())) continue;
            for (JsonNode m : op.get("messages")) {
                JsonNode msg = async.deref(m);
                if (name.equals(msg.path("name").asText())) return msg.get("payload");
            }
        }
        throw new AssertionError("no receive message named " + name + " in asyncapi.yaml");
    }

    static Set<String> texts(JsonNode arr) {
        Set<String> out = new TreeSet<>();
        arr.forEach(n -> out.add(n.asText()));
        return out;
    }

    static ObjectNode p(Object... kv) {
        ObjectNode o = Json.object();
        for (int i = 0; i < kv.length; i += 2) o.set((String) kv[i], Json.MAPPER.valueToTree(kv[i + 1]));
        return o;
    }
}
