package io.hubbub.web;

import io.hubbub.server.config.ConfigException;
import io.hubbub.server.config.ConfigLoader;
import io.hubbub.server.feature.FeatureAssets;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@code features.web} serves, and its switches (no browser needed). */
class WebFeatureTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void servesTheSdkItsTypesTheDemoAndTheDashboard() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of())) {
            HttpResponse<String> sdk = get(hub, "/sdk/hubbub.js");
            assertThat(sdk.statusCode()).isEqualTo(200);
            assertThat(sdk.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
            assertThat(sdk.body()).contains("export class Hubbub", "export class HubbubError", "session:resume").doesNotContainPattern("(?m)^import ");
            assertThat(get(hub, "/sdk/hubbub.d.ts").body()).contains("export class Hubbub");
            for (String page : new String[]{"/demo/", "/admin/"}) {
                HttpResponse<String> r = get(hub, page);
                assertThat(r.statusCode()).as(page).isEqualTo(200);
                assertThat(r.headers().firstValue("Content-Security-Policy")).as(page).hasValue(FeatureAssets.CSP);
                assertThat(r.body()).as(page + ": no inline code under the CSP").doesNotContain("<script>").doesNotContain("style=")
                        .doesNotContainPattern(" on[a-z]+=");
            }
            assertThat(get(hub, "/demo/demo.js").body()).contains("from \"/sdk/hubbub.js\"");
            assertThat(get(hub, "/admin/admin.js").body()).contains("sessionStorage").doesNotContain("localStorage");
        }
    }

    @Test
    void eachPartCanBeSwitchedOffAndThePagesNeedTheSdk() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of("features.web.admin", "false", "features.web.demo", "false"))) {
            assertThat(get(hub, "/sdk/hubbub.js").statusCode()).isEqualTo(200);
            assertThat(get(hub, "/admin/").statusCode()).isEqualTo(404);
            assertThat(get(hub, "/demo/").statusCode()).isEqualTo(404);
        }
        try (TestHubbub hub = TestHubbub.start(Map.of("features.web.enabled", "false"))) {
            assertThat(get(hub, "/sdk/hubbub.js").statusCode()).isEqualTo(404);
            assertThat(hub.server().features().installed()).doesNotContain("web");
            assertThat(hub.server().features().assets()).isEmpty();
        }
        assertThatThrownBy(() -> new ConfigLoader().set("features.web.sdk", "false").load())
                .isInstanceOf(ConfigException.class).hasMessageContaining("features.web.sdk: the demo and the admin dashboard need the SDK");
        new ConfigLoader().set("features.web.sdk", "false").set("features.web.demo", "false").set("features.web.admin", "false").load();
    }

    private static HttpResponse<String> get(TestHubbub hub, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(hub.http(path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
