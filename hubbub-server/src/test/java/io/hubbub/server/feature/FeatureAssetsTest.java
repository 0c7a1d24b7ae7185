package io.hubbub.server.feature;

import io.hubbub.core.feature.Feature;
import io.hubbub.core.feature.FeatureContext;
import io.hubbub.core.feature.FeatureSettings;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A feature's static files ({@link FeatureContext#assets}) on a real server, over raw HTTP/1.1 so that the
 * request line reaches the server exactly as written (no client normalises {@code ..} away).
 */
public class FeatureAssetsTest {
    private static TestHubbub hub;

    /** Serves src/test/resources/assets-test at /t; assets-secret.txt lies beside that directory. */
    public static final class AssetsFeature implements Feature {
        public record Settings(boolean enabled) implements FeatureSettings {}

        @Override public String name() { return "assetstest"; }

        @Override public String description() { return "test assets"; }

        @Override public FeatureSettings defaults() { return new Settings(true); }

        @Override public void install(FeatureContext ctx) { ctx.assets("/t", "assets-test"); }
    }

    /** Registers assets at {@code prefix}, to see which prefixes the host refuses. */
    public record PrefixFeature(String name, String prefix) implements Feature {
        @Override public String description() { return "prefix test"; }

        @Override public FeatureSettings defaults() { return new AssetsFeature.Settings(true); }

        @Override public void install(FeatureContext ctx) { ctx.assets(prefix, "assets-test"); }
    }

    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    @BeforeAll
    static void start() {
        hub = TestHubbub.start(Map.of(), new AssetsFeature());
    }

    @AfterAll
    static void stop() {
        if (hub != null) hub.close();
    }

    @Test
    void servesAFileWithItsTypeAnEtagAndNoSniff() throws Exception {
        Response r = request("GET", "/t/app.js", "");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("export const answer = 42;\n");
        assertThat(r.header("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(r.header("ETag")).matches("\"[0-9a-f]{32}\"");
        assertThat(r.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(r.header("Content-Security-Policy")).as("CSP is for pages").isNull();
        assertThat(r.header("Access-Control-Allow-Origin")).as("a module other origins may import").isEqualTo("*");
        assertThat(request("GET", "/t/style.css", "").header("Content-Type")).isEqualTo("text/css; charset=utf-8");
    }

    @Test
    void aDirectoryAnswersItsIndexPageWithAStrictContentSecurityPolicy() throws Exception {
        Response r = request("GET", "/t/", "");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("<p>index</p>");
        assertThat(r.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(r.header("Content-Security-Policy")).isEqualTo(FeatureAssets.CSP).contains("script-src 'self'")
                .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
        assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(r.header("Access-Control-Allow-Origin")).isNull();
        assertThat(request("GET", "/t/sub/page.html", "").body()).isEqualTo("<p>sub</p>\n");

        Response redirect = request("GET", "/t?room=a", "");
        assertThat(redirect.status()).isEqualTo(301);
        assertThat(redirect.header("Location")).isEqualTo("/t/?room=a");
    }

    @Test
    void aMatchingEtagAnswers304AndHeadAnswersTheHeadersOnly() throws Exception {
        String etag = request("GET", "/t/app.js", "").header("ETag");
        Response again = request("GET", "/t/app.js", "If-None-Match: " + etag + "\r\n");
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(again.header("ETag")).isEqualTo(etag);
        assertThat(request("GET", "/t/app.js", "If-None-Match: \"other\"\r\n").status()).isEqualTo(200);

        Response head = request("HEAD", "/t/app.js", "");
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("Content-Length")).isEqualTo("26");
        assertThat(head.body()).isEmpty();
    }

    @Test
    void onlyGetAndHead() throws Exception {
        Response r = request("POST", "/t/app.js", "Content-Length: 0\r\n");
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("Allow")).isEqualTo("GET, HEAD");
        assertThat(r.body()).contains("\"code\":\"bad_request\"");
        assertThat(request("DELETE", "/t/app.js", "").status()).isEqualTo(405);
    }

    @Test
    void traversalHiddenFilesDirectoriesAndUnknownTypesAre404() throws Exception {
        assertThat(hub.server().getClass().getClassLoader().getResource("assets-secret.txt")).as("the bait exists").isNotNull();
        for (String path : new String[]{"/t/../assets-secret.txt", "/t/%2e%2e/assets-secret.txt", "/t/%2E%2E%2Fassets-secret.txt",
                "/t/sub/../../assets-secret.txt", "/t/..%2fassets-secret.txt", "/t/..%5cassets-secret.txt", "/t/%2e%2e%5cassets-secret.txt",
                "/t//assets-secret.txt", "/t//etc/passwd", "/t/%2fetc%2fpasswd", "/t/./app.js", "/t/.hidden.txt", "/t/noext",
                "/t/sub", "/t/nodir/", "/t/nodir", "/t/missing.js", "/t/app.js%00.html", "/t/C:%5cwindows%5cwin.ini",
                "/t/file:%2f%2f%2fetc%2fpasswd.txt", "/t/sub/"}) {
            Response r = request("GET", path, "");
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).contains("\"code\":\"not_found\"").doesNotContain("SECRET").doesNotContain("x.txt");
            assertThat(r.header("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
        }
    }

    @Test
    void prefixesOfTheApiTheWebSocketOrAnotherFeatureAreRefusedAtStart() {
        for (String prefix : new String[]{"/api", "/api/x", "/ws", "/socket.io", "/", "/t/", "/a/../b", "/x/.hidden"}) {
            assertThatThrownBy(() -> TestHubbub.start(Map.of(), new PrefixFeature("prefixtest", prefix)).close()).as(prefix)
                    .rootCause().isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad asset prefix");
        }
        assertThatThrownBy(() -> TestHubbub.start(Map.of(), new AssetsFeature(), new PrefixFeature("prefixtest", "/t/sub")).close())
                .rootCause().isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlaps /t");
        try (TestHubbub ok = TestHubbub.start(Map.of(), new PrefixFeature("prefixtest", "/apidocs"))) {
            assertThat(ok.server().features().assets()).extracting(FeatureHost.AssetRoute::prefix).containsExactly("/apidocs");
        }
    }

    /** One request on its own connection; the answer as the server wrote it. */
    private static Response request(String method, String path, String extraHeaders) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), hub.port())) {
            s.setSoTimeout(10_000);
            String req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + extraHeaders + "\r\n";
            s.getOutputStream().write(req.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            String raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int end = raw.indexOf("\r\n\r\n");
            String[] lines = raw.substring(0, end).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers, raw.substring(end + 4));
        }
    }
}
