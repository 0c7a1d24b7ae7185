package io.hubbub.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.auth.Role;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.testing.HeadlessChromium;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The 2D spaces demo (/demo/spaces/) in two headless Chromium windows against a real server with the spaces
 * feature: one creates a space from a map, the other joins it by id; each sees the other, with its name,
 * move under the arrow keys and chat; a move onto a static element placed next to an avatar is refused by
 * the server and the avatar stays where it was, in both windows; back at the picker, the owner enters the
 * space again from her list of spaces.
 */
class SpacesDemoBrowserTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String PASSWORD = "a-long-password";
    static final Map<String, String> ARROWS = Map.of("right", "\uE014", "left", "\uE012", "down", "\uE015", "up", "\uE013");
    private static TestHubbub hub;
    private static HeadlessChromium chromium;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.assumeInstalled("SpacesDemoBrowserTest");
        hub = TestHubbub.start(Map.of());
        chromium = HeadlessChromium.start("--window-size=1100,900");
    }

    @AfterAll
    static void stop() {
        if (chromium != null) chromium.close();
        if (hub != null) hub.close();
    }

    static JsonNode http(String method, String path, String token, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + path));
        if (token != null) b.header("Authorization", "Bearer " + token);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body)));
        if (body != null) b.header("Content-Type", "application/json");
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    static String token(String user) throws Exception {
        return http("POST", "/api/auth/signin", null, Map.of("username", user, "password", PASSWORD)).path("token").asText();
    }

    @Test
    void twoWindowsSeeEachOtherMoveAndAMoveIntoAWallIsRefused() throws Exception {
        String suffix = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        String ann = "ann" + suffix, bob = "bob" + suffix, root = "root" + suffix;
        hub.server().accounts().createAccount(ann, PASSWORD, "Ann", Role.USER);
        hub.server().accounts().createAccount(bob, PASSWORD, "Bob", Role.USER);
        hub.server().accounts().createAccount(root, PASSWORD, "Root", Role.ADMIN);
        String adminToken = token(root);
        String wall = http("POST", "/api/v1/admin/element", adminToken, Map.of("imageUrl", "/wall", "width", 1, "height", 1, "static", true)).path("id").asText();
        String mapId = http("POST", "/api/v1/admin/map", adminToken, Map.of("thumbnail", "/t", "dimensions", "8x6", "name", "Test map",
                "defaultElements", List.of(Map.of("elementId", wall, "x", 0, "y", 0)))).path("id").asText();

        String a = chromium.newSession();
        String b = chromium.newSession();
        try {
            signIn(a, ann);
            chromium.script(a, "document.getElementById('map-id').value = '" + mapId + "'; return true");
            chromium.click(a, "#create");
            waitFor(a, "return !document.getElementById('space-panel').hidden && document.getElementById('map').dataset.elements === '1'",
                    "ann in her new space with the map's wall");
            String spaceId = chromium.script(a, "return document.getElementById('space-title').textContent.replace('Space ', '')").asText();

            signIn(b, bob);
            chromium.script(b, "document.getElementById('space-id').value = '" + spaceId + "'; return true");
            chromium.click(b, "#join");
            waitFor(b, "return [...document.querySelectorAll('#people li')].map(l => l.textContent.split(' (')[0]).sort().join() === 'Ann,Bob'",
                    "bob sees ann by name");
            waitFor(a, "return [...document.querySelectorAll('#people li')].map(l => l.textContent.split(' (')[0]).sort().join() === 'Ann,Bob'",
                    "ann sees bob by name");

            // a free move: bob's window follows ann
            int[] at = position(a, "Ann");
            assertThat(position(b, "Ann")).isEqualTo(at);
            String dir = at[0] + 1 < 8 ? "right" : "left";
            int[] target = {at[0] + (dir.equals("right") ? 1 : -1), at[1]};
            if (target[0] == 0 && target[1] == 0) { dir = "down"; target = new int[]{at[0], at[1] + 1}; } // the map's wall
            chromium.sendKeys(a, "#map", ARROWS.get(dir));
            waitFor(b, at(b, "Ann", target), "bob sees ann's move");
            waitFor(a, at(a, "Ann", target), "ann at her new place");

            // a wall placed (live) next to ann: the move onto it is refused and she stays
            int[] here = target;
            String back = here[0] + 1 < 8 ? "right" : "left";
            int wx = here[0] + (back.equals("right") ? 1 : -1);
            http("POST", "/api/v1/space/element", token(ann), Map.of("elementId", wall, "spaceId", spaceId, "x", wx, "y", here[1]));
            waitFor(a, "return document.getElementById('map').dataset.elements === '2'", "ann's page draws the new wall");
            chromium.sendKeys(a, "#map", ARROWS.get(back));
            waitFor(a, "return document.getElementById('move-status').textContent === 'move refused: blocked'", "the refusal shown");
            waitFor(a, at(a, "Ann", here), "ann snapped back");
            assertThat(position(a, "Ann")).isEqualTo(here);
            assertThat(position(b, "Ann")).as("bob never saw ann in the wall").isEqualTo(here);

            // chat reaches both
            chromium.sendKeys(b, "#text", "hi ann");
            chromium.click(b, "#send");
            waitFor(a, "return [...document.querySelectorAll('#messages li')].some(l => l.textContent === 'Bobhi ann')", "ann gets bob's message");
            waitFor(b, "return [...document.querySelectorAll('#messages li')].some(l => l.textContent === 'Bobhi ann')", "bob sees his own");

            // the server drops bob's connection: the page reconnects, joins again and is back where it was
            int[] bobAt = position(b, "Bob");
            for (var session : List.copyOf(hub.server().node().sessionsOf(bobId(b)))) {
                session.transport().close(io.hubbub.core.session.CloseReason.HEARTBEAT_TIMEOUT);
            }
            waitFor(b, "return document.getElementById('status').textContent === 'reconnecting'", "bob's page noticed the drop");
            waitFor(b, "return document.getElementById('status').textContent === 'connected'", "bob's page reconnected");
            waitFor(a, at(a, "Bob", bobAt), "ann sees bob back at his place");
            waitFor(b, at(b, "Ann", here), "bob sees ann again");
            // a free tile next to ann: inside the 8x6 map, not the map's wall at (0, 0), not the wall placed above,
            // not bob's (at x = 7 the way back to the right is off the map: the first pick used to be refused there)
            int[] after = null;
            String way = null;
            for (String d : List.of(back.equals("right") ? "left" : "right", "down", "up")) {
                int[] c = {here[0] + (d.equals("right") ? 1 : d.equals("left") ? -1 : 0), here[1] + (d.equals("down") ? 1 : d.equals("up") ? -1 : 0)};
                boolean free = c[0] >= 0 && c[0] < 8 && c[1] >= 0 && c[1] < 6 && !(c[0] == 0 && c[1] == 0)
                        && !(c[0] == wx && c[1] == here[1]) && !(c[0] == bobAt[0] && c[1] == bobAt[1]);
                if (free) {
                    after = c;
                    way = d;
                    break;
                }
            }
            assertThat(after).as("ann has a free tile next to her").isNotNull();
            chromium.sendKeys(a, "#map", ARROWS.get(way));
            waitFor(b, at(b, "Ann", after), "bob follows ann's moves after his reconnect");

            chromium.click(b, "#leave");
            waitFor(a, "return [...document.querySelectorAll('#people li')].map(l => l.textContent.split(' (')[0]).join() === 'Ann'", "bob left");
            waitFor(b, "return document.getElementById('spaces').textContent === 'none yet: create one below, or join one by its id'",
                    "bob, back at the picker, has no spaces of his own");

            // ann leaves and comes back through her list of spaces
            chromium.click(a, "#leave");
            String listed = "[...document.querySelectorAll('#spaces button')].find(x => x.textContent === 'My space (8x6)')";
            waitFor(a, "return " + listed + " !== undefined", "ann's space in her list");
            chromium.script(a, listed + ".click(); return true");
            waitFor(a, "return !document.getElementById('space-panel').hidden && document.getElementById('space-title').textContent === 'Space "
                    + spaceId + "'", "ann back in her space through the list");
            assertThat(chromium.script(a, "return document.getElementById('error').hidden").asBoolean()).isTrue();
        } finally {
            chromium.closeSession(a);
            chromium.closeSession(b);
        }
    }

    private static void signIn(String w, String user) throws Exception {
        chromium.open(w, "http://127.0.0.1:" + hub.port() + "/demo/spaces/");
        chromium.sendKeys(w, "#username", user);
        chromium.sendKeys(w, "#password", PASSWORD);
        chromium.click(w, "#signin");
        waitFor(w, "return !document.getElementById('picker-panel').hidden || !document.getElementById('space-panel').hidden", user + " signed in");
    }

    private static String bobId(String w) throws Exception {
        return chromium.script(w, "return document.querySelector('#people li.me').dataset.user").asText();
    }

    private static int[] position(String w, String name) throws Exception {
        JsonNode p = chromium.script(w, "const li = [...document.querySelectorAll('#people li')].find(l => l.textContent.startsWith('"
                + name + " (')); return li ? [Number(li.dataset.x), Number(li.dataset.y)] : null");
        assertThat(p.isArray()).as(name + " listed").isTrue();
        return new int[]{p.get(0).asInt(), p.get(1).asInt()};
    }

    private static String at(String w, String name, int[] xy) {
        return "return [...document.querySelectorAll('#people li')].some(l => l.textContent === '" + name + " (" + xy[0] + ", " + xy[1] + ")')";
    }

    private static void waitFor(String w, String js, String what) throws Exception {
        chromium.waitFor(w, js, what, "return JSON.stringify({status: document.getElementById('status')?.textContent, "
                + "error: document.getElementById('error')?.textContent, people: [...document.querySelectorAll('#people li')].map(l => l.textContent), "
                + "move: document.getElementById('move-status')?.textContent, elements: document.getElementById('map')?.dataset.elements, "
                + "messages: [...document.querySelectorAll('#messages li')].map(l => l.textContent)})");
    }
}
