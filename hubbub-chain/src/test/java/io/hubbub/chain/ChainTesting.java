package io.hubbub.chain;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.fakesolana.FakeSolana;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static io.hubbub.server.testing.Frames.p;

/** Shared set-up of the chain tests: a server listening to a fake node, and helpers to read what clients get. */
final class ChainTesting {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private ChainTesting() {}

    /** Overrides for a server whose listener watches {@code program} on {@code node}, with short test intervals. */
    static Map<String, String> listening(FakeSolana node, String program) {
        Map<String, String> o = new HashMap<>();
        o.put("features.chain.rpcUrls", node.httpUrl());
        o.put("features.chain.wsUrls", node.wsUrl());
        o.put("features.chain.programs", program);
        o.put("features.chain.pollInterval", "300ms");
        o.put("features.chain.reconnectMin", "50ms");
        o.put("features.chain.reconnectMax", "300ms");
        o.put("features.chain.pingInterval", "1s");
        o.put("features.chain.silenceTimeout", "5s");
        o.put("features.chain.dropAfter", "1s");
        o.put("features.chain.leaseTtl", "1500ms");
        o.put("features.chain.rankingsBatch", "50ms");
        o.put("features.chain.rpcTimeout", "3s");
        return o;
    }

    static JsonNode get(TestHubbub hub, String path) throws Exception {
        return Json.MAPPER.readTree(HTTP.send(HttpRequest.newBuilder(hub.http(path)).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    /** Waits (bounded) until the listener leads and its socket is subscribed. */
    static void awaitConnected(TestHubbub hub) throws Exception {
        for (int i = 0; i < 200; i++) {
            JsonNode s = get(hub, "/api/chain/status");
            if (s.path("leader").asBoolean() && s.path("connected").asBoolean() && !s.path("backfilling").asBoolean()) return;
            Thread.sleep(50);
        }
        throw new AssertionError("listener never connected: " + get(hub, "/api/chain/status"));
    }

    static NativeClient subscriber(TestHubbub hub, String user, String topic) {
        NativeClient c = hub.connect(user);
        c.ok("topic:subscribe", p("topic", topic));
        return c;
    }

    /** The next {@code n} topic messages of type {@code event} on {@code topic}, as their data. */
    static List<JsonNode> topicMessages(NativeClient c, String topic, String event, int n) {
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(c.take(isTopic(topic, event)).path("payload").path("data"));
        return out;
    }

    static Predicate<JsonNode> isTopic(String topic, String event) {
        return f -> f.path("type").asText().equals("topic:message") && f.at("/payload/topic").asText().equals(topic)
                && f.at("/payload/event").asText().equals(event);
    }
}
