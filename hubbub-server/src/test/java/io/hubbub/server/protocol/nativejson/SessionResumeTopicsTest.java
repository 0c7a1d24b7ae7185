package io.hubbub.server.protocol.nativejson;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code session:resume} with topic positions (native protocol): the topics of the dropped session
 * come back and the topic messages published meanwhile are replayed before the reply, which reports
 * per topic in {@code topicRecovery}. Socket.IO connection state recovery relies on this.
 */
class SessionResumeTopicsTest {
    private static TestHubbub hub;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        hub = TestHubbub.start();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private static void publish(String topic, int n) throws Exception {
        ObjectNode body = Json.object().put("topic", topic).put("event", "tick");
        body.putObject("data").put("n", n);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + "/api/publish"))
                .header("X-Api-Key", TestHubbub.API_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void resumedTopicsReplayWhatWasMissed() throws Exception {
        String topic = "prices-" + UUID.randomUUID().toString().substring(0, 8);
        String resumeToken;
        JsonNode first;
        try (NativeClient a = hub.connect("tess")) {
            resumeToken = a.event("session:welcome").path("resumeToken").asText();
            a.ok("topic:subscribe", Json.object().put("topic", topic));
            publish(topic, 1);
            first = a.event("topic:message");
            assertThat(first.path("data").path("n").asInt()).isEqualTo(1);
        }
        publish(topic, 2);
        publish(topic, 3);
        try (NativeClient b = hub.connect("tess")) {
            ObjectNode request = Json.object().put("token", resumeToken);
            request.putObject("topics").putObject(topic).put("epoch", first.path("epoch").asText()).put("offset", first.path("offset").asLong());
            long id = b.send("session:resume", request);
            JsonNode m2 = b.event("topic:message");
            JsonNode m3 = b.event("topic:message");
            JsonNode reply = b.take(f -> f.path("id").asLong(-1) == id);
            assertThat(m2.path("data").path("n").asInt()).isEqualTo(2);
            assertThat(m3.path("data").path("n").asInt()).isEqualTo(3);
            assertThat(reply.path("type").asText()).isEqualTo("reply");
            JsonNode p = reply.path("payload");
            assertThat(p.path("resumed").asBoolean()).isTrue();
            assertThat(p.path("topics")).extracting(JsonNode::asText).containsExactly(topic);
            assertThat(p.path("topicRecovery").path(topic).path("recovered").asBoolean()).isTrue();
            assertThat(p.path("topicRecovery").path(topic).path("position").path("offset").asLong()).isEqualTo(m3.path("offset").asLong());
            // live again
            publish(topic, 4);
            assertThat(b.event("topic:message").path("data").path("n").asInt()).isEqualTo(4);
        }
    }

    @Test
    void aTopicWithoutPositionComesBackUnrecovered() throws Exception {
        String topic = "news-" + UUID.randomUUID().toString().substring(0, 8);
        String resumeToken;
        try (NativeClient a = hub.connect("uma")) {
            resumeToken = a.event("session:welcome").path("resumeToken").asText();
            a.ok("topic:subscribe", Json.object().put("topic", topic));
        }
        publish(topic, 1);
        try (NativeClient b = hub.connect("uma")) {
            JsonNode p = b.ok("session:resume", Json.object().put("token", resumeToken));
            assertThat(p.path("topicRecovery").path(topic).path("recovered").asBoolean(true)).isFalse();
            assertThat(b.sees(f -> f.path("type").asText().equals("topic:message"), 300)).as("nothing replayed").isFalse();
            publish(topic, 2);
            assertThat(b.event("topic:message").path("data").path("n").asInt()).isEqualTo(2);
        }
    }
}
