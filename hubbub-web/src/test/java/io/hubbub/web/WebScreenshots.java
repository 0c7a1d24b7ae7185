package io.hubbub.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.client.HubbubClient;
import io.hubbub.core.auth.Role;
import io.hubbub.server.testing.HeadlessChromium;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Takes the PNGs of docs/img (the demo and the dashboard) with headless Chromium's WebDriver screenshot. Not a
 * check: it runs only when asked, writing into the directory given:
 * {@code ./mvnw -q -B -o -pl hubbub-web -am test -Dtest=WebScreenshots -Dsurefire.failIfNoSpecifiedTests=false -Dhubbub.screenshots=$PWD/docs/img}
 */
@EnabledIfSystemProperty(named = "hubbub.screenshots", matches = ".+")
class WebScreenshots {

    @Test
    void demoAndDashboard() throws Exception {
        HeadlessChromium.assumeInstalled("WebScreenshots");
        Path out = Path.of(System.getProperty("hubbub.screenshots"));
        Files.createDirectories(out);
        try (TestHubbub hub = TestHubbub.start(Map.of());
             HeadlessChromium chromium = HeadlessChromium.start("--window-size=1100,900", "--hide-scrollbars")) {
            hub.server().accounts().createAccount("ada", "a-long-password", "Ada", Role.USER);
            hub.server().accounts().createAccount("grace", "a-long-password", "Grace", Role.USER);
            hub.server().accounts().createAccount("root", "a-long-password", "Operator", Role.ADMIN);
            List<HubbubClient> clients = new ArrayList<>();
            try {
                for (String room : List.of("design-review", "support", "standup")) {
                    HubbubClient c = SdkBrowserTest.javaClient(hub, "bot-" + room);
                    clients.add(c);
                    c.createRoom(Map.of("room", room, "name", room.substring(0, 1).toUpperCase() + room.substring(1).replace('-', ' '))).get(5, TimeUnit.SECONDS);
                }
                String ada = chromium.newSession();
                String grace = chromium.newSession();
                for (String[] w : new String[][]{{ada, "ada"}, {grace, "grace"}}) {
                    signIn(chromium, w[0], "http://127.0.0.1:" + hub.port() + "/demo/", w[1],
                            "return document.getElementById('status').textContent === 'connected'");
                    chromium.click(w[0], "#join");
                    chromium.waitFor(w[0], "return document.getElementById('room-title').textContent === '# lobby'", "in the lobby", "return document.body.innerText");
                }
                say(chromium, ada, "Morning! Did the new build go out?");
                say(chromium, grace, "Yes, 10 minutes ago. Reconnects resume without losing a message now.");
                say(chromium, ada, "Perfect, I'll tell the others.");
                chromium.sendKeys(grace, "#text", "Great");
                chromium.waitFor(ada, "return document.getElementById('typing').textContent !== ''", "grace typing", "return document.body.innerText");
                chromium.script(ada, "document.activeElement.blur(); window.scrollTo(0, 0); return true");
                Files.write(out.resolve("demo.png"), png(chromium, ada));

                String admin = chromium.newSession();
                chromium.call("POST", "/session/" + admin + "/window/rect", io.hubbub.core.protocol.Json.object().put("width", 1280).put("height", 900));
                chromium.open(admin, "http://127.0.0.1:" + hub.port() + "/admin/");
                chromium.sendKeys(admin, "#username", "root");
                chromium.sendKeys(admin, "#password", "a-long-password");
                chromium.click(admin, "#signin");
                chromium.waitFor(admin, "return document.querySelectorAll('#rooms tbody tr').length === 4", "the rooms", "return document.body.innerText");
                Files.write(out.resolve("admin.png"), png(chromium, admin));
            } finally {
                for (HubbubClient c : clients) c.close();
            }
        }
        assertThat(out.resolve("demo.png")).exists();
    }

    @Test
    void spaces() throws Exception {
        HeadlessChromium.assumeInstalled("WebScreenshots");
        Path out = Path.of(System.getProperty("hubbub.screenshots"));
        Files.createDirectories(out);
        try (TestHubbub hub = TestHubbub.start(Map.of());
             HeadlessChromium chromium = HeadlessChromium.start("--window-size=1100,900", "--hide-scrollbars")) {
            hub.server().accounts().createAccount("ada", "a-long-password", "Ada", Role.ADMIN);
            hub.server().accounts().createAccount("grace", "a-long-password", "Grace", Role.USER);
            String ada = chromium.newSession();
            String grace = chromium.newSession();
            String diag = "return document.body.innerText";
            for (String[] w : new String[][]{{ada, "ada"}, {grace, "grace"}}) {
                signIn(chromium, w[0], "http://127.0.0.1:" + hub.port() + "/demo/spaces/", w[1],
                        "return !document.getElementById('picker-panel').hidden");
            }
            chromium.click(ada, "#sample-map");
            chromium.waitFor(ada, "return document.getElementById('map-id').value !== ''", "the sample map", diag);
            chromium.script(ada, "document.getElementById('space-name').value = 'Office'; return true");
            chromium.click(ada, "#create");
            chromium.waitFor(ada, "return !document.getElementById('space-panel').hidden", "in the space", diag);
            String space = chromium.script(ada, "return document.getElementById('space-title').textContent.replace('Space ', '')").asText();
            chromium.script(grace, "document.getElementById('space-id').value = '" + space + "'; return true");
            chromium.click(grace, "#join");
            chromium.waitFor(ada, "return document.querySelectorAll('#people li').length === 2", "grace arrived", diag);
            List<HubbubClient> bots = new ArrayList<>();
            try {
                for (String name : List.of("Linus", "Margaret", "Alan")) {
                    HubbubClient c = SdkBrowserTest.javaClient(hub, name);
                    bots.add(c);
                    c.request("space:join", Map.of("spaceId", space)).get(5, TimeUnit.SECONDS);
                }
                chromium.waitFor(ada, "return document.querySelectorAll('#people li').length === 5", "everyone", diag);
                // Linus walks up to Ada (greedy, bounded, refused steps skipped) so the proximity group shows
                JsonNode me = chromium.script(ada, "const li = document.querySelector('#people li.me'); return [Number(li.dataset.x), Number(li.dataset.y)]");
                walkNear(bots.get(0), space, me.get(0).asInt(), me.get(1).asInt());
                for (String key : List.of("\uE013", "\uE013", "\uE012")) chromium.sendKeys(grace, "#map", key);
                chromium.sendKeys(grace, "#text", "Morning! Coffee by the rug?");
                chromium.click(grace, "#send");
                chromium.waitFor(ada, "return document.querySelectorAll('#messages li').length === 1", "the message", diag);
                chromium.script(ada, "document.activeElement.blur(); window.scrollTo(0, 0); return true");
                Files.write(out.resolve("spaces.png"), png(chromium, ada));
            } finally {
                for (HubbubClient c : bots) c.close();
            }
        }
    }

    /** Opens a demo page in {@code session}, signs {@code user} in and waits until {@code signedIn} holds. */
    private static void signIn(HeadlessChromium chromium, String session, String url, String user, String signedIn) throws Exception {
        chromium.open(session, url);
        chromium.sendKeys(session, "#username", user);
        chromium.sendKeys(session, "#password", "a-long-password");
        chromium.click(session, "#signin");
        chromium.waitFor(session, signedIn, user + " signed in", "return document.body.innerText");
    }

    /** Moves {@code bot} towards (tx, ty) until within 2 tiles, at most 40 tries, under the move rate limit. */
    private static void walkNear(HubbubClient bot, String space, int tx, int ty) throws Exception {
        int x = -1, y = -1;
        for (int i = 0; i < 40; i++) {
            if (x >= 0 && Math.max(Math.abs(x - tx), Math.abs(y - ty)) <= 2) return;
            int nx = x, ny = y;
            if (x < 0) { nx = 0; ny = 0; } // an invalid first move: the answer tells where the bot is
            else if (i % 2 == 0 && x != tx) nx += Integer.signum(tx - x);
            else if (y != ty) ny += Integer.signum(ty - y);
            else nx += Integer.signum(tx - x);
            JsonNode r = bot.request("space:move", Map.of("spaceId", space, "x", nx, "y", ny)).get(5, TimeUnit.SECONDS);
            x = r.path("x").asInt();
            y = r.path("y").asInt();
            Thread.sleep(150);
        }
    }

    private static void say(HeadlessChromium chromium, String w, String text) throws Exception {
        chromium.sendKeys(w, "#text", text);
        chromium.click(w, "#send");
        chromium.waitFor(w, "return [...document.querySelectorAll('#messages li')].some(li => li.textContent.endsWith(" + quote(text) + "))",
                "sent: " + text, "return document.body.innerText");
    }

    private static String quote(String s) {
        return io.hubbub.core.protocol.Json.MAPPER.valueToTree(s).toString();
    }

    private static byte[] png(HeadlessChromium chromium, String w) throws Exception {
        return Base64.getDecoder().decode(chromium.call("GET", "/session/" + w + "/screenshot", null).path("value").asText());
    }
}
