package io.hubbub.server.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.examples.DiceFeature;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/grafana-dashboard.json cannot drift from the server: every metric name a panel or variable
 * queries is exported by /metrics of a running server (with a feature module, after some traffic so
 * the lazily registered series exist), and the feature-metric variable's regex keeps exactly the
 * feature metrics ({@code hubbub_<feature>_*}) and none of the built-in ones.
 */
class GrafanaDashboardTest {
    // metric names in PromQL: our own and the Micrometer JVM/process binders' (functions and labels do not match)
    private static final Pattern METRIC = Pattern.compile("\\b((?:hubbub|jvm|process|system)_[a-zA-Z0-9_]+)\\b");
    private static final Pattern SERIES = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]", Pattern.MULTILINE);

    @Test
    void everyQueriedMetricIsExported() throws Exception {
        JsonNode dashboard = Json.MAPPER.readTree(Files.readString(docs().resolve("grafana-dashboard.json")));
        Set<String> queried = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels"))
            for (JsonNode target : panel.path("targets")) queried.addAll(names(target.path("expr").asText()));
        for (JsonNode variable : dashboard.path("templating").path("list"))
            queried.addAll(names(variable.path("definition").asText()));
        assertThat(queried).as("the dashboard queries metrics").hasSizeGreaterThan(20);

        Set<String> exported = exported();
        assertThat(exported).as("metrics the dashboard queries but /metrics does not export").containsAll(queried);

        // the feature variable: a Grafana (JavaScript) regex "/…/", same syntax in java.util.regex for this pattern
        String regex = null;
        for (JsonNode variable : dashboard.path("templating").path("list"))
            if (variable.path("name").asText().equals("feature_metric")) regex = variable.path("regex").asText();
        assertThat(regex).isNotNull().startsWith("/").endsWith("/");
        Pattern feature = Pattern.compile(regex.substring(1, regex.length() - 1));
        Set<String> picked = new TreeSet<>();
        for (String name : exported) if (name.startsWith("hubbub_") && feature.matcher(name).matches()) picked.add(name);
        assertThat(picked).as("feature metrics picked by the feature_metric variable").isNotEmpty()
                .allMatch(n -> n.startsWith("hubbub_dice_"));
        assertThat(exported).as("the dice feature's metric is exported").anyMatch(n -> n.startsWith("hubbub_dice_"));
    }

    /** /metrics of a server with the example feature, after a room, a message and an error. */
    private static Set<String> exported() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of(), new DiceFeature());
             NativeClient c = hub.connect("grafana")) {
            c.ok("room:create", Json.object().put("room", "g").put("name", "G"));
            c.ok("message:send", Json.object().put("room", "g").set("data", Json.object().put("text", "hi")));
            c.error("room:join", Json.object().put("room", "does-not-exist"));
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(hub.http("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            Set<String> names = new TreeSet<>();
            Matcher m = SERIES.matcher(r.body());
            while (m.find()) names.add(m.group(1));
            return names;
        }
    }

    private static Set<String> names(String promql) {
        Set<String> out = new TreeSet<>();
        Matcher m = METRIC.matcher(promql);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    static Path docs() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.isRegularFile(p.resolve("docs/grafana-dashboard.json"))) return p.resolve("docs");
        throw new IllegalStateException("docs/grafana-dashboard.json not found above " + Path.of("").toAbsolutePath());
    }
}
