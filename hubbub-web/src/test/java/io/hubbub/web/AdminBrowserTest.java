package io.hubbub.web;

import io.hubbub.client.HubbubClient;
import io.hubbub.core.auth.Role;
import io.hubbub.server.testing.HeadlessChromium;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin dashboard (/admin/) in headless Chromium against a real server: an ordinary account is refused
 * by the admin API itself and the page shows the server's {@code forbidden}; an admin account sees the
 * node, the cluster, the connections and a room that Java clients (hubbub-client) created, with its members.
 */
class AdminBrowserTest {
    static final String PASSWORD = "a-long-password";
    private static TestHubbub hub;
    private static HeadlessChromium chromium;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.assumeInstalled("AdminBrowserTest");
        hub = TestHubbub.start(Map.of());
        chromium = HeadlessChromium.start("--window-size=1280,900");
    }

    @AfterAll
    static void stop() {
        if (chromium != null) chromium.close();
        if (hub != null) hub.close();
    }

    @Test
    void aNonAdminIsRefusedAndAnAdminSeesTheRoomsJavaClientsCreated() throws Exception {
        String suffix = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        String admin = "root" + suffix;
        String user = "user" + suffix;
        hub.server().accounts().createAccount(admin, PASSWORD, "Root", Role.ADMIN);
        hub.server().accounts().createAccount(user, PASSWORD, "Plain", Role.USER);
        String room = "watched-" + suffix;
        try (HubbubClient host = SdkBrowserTest.javaClient(hub, "adm-host-" + suffix); HubbubClient guest = SdkBrowserTest.javaClient(hub, "adm-guest-" + suffix)) {
            host.createRoom(Map.of("room", room, "name", "Watched room")).get(5, TimeUnit.SECONDS);
            guest.join(room).get(5, TimeUnit.SECONDS);
            String w = chromium.newSession();
            try {
                chromium.open(w, "http://127.0.0.1:" + hub.port() + "/admin/");
                signIn(w, user);
                waitFor(w, "return document.getElementById('error').dataset.code === 'forbidden'", "the API refused the ordinary account");
                assertThat(chromium.script(w, "return document.getElementById('error').textContent").asText()).isEqualTo("admin only (forbidden)");
                assertThat(chromium.script(w, "return document.getElementById('dashboard').hidden").asBoolean()).isTrue();
                assertThat(chromium.script(w, "return sessionStorage.length").asInt()).as("a refused token is not kept").isZero();

                chromium.script(w, "document.getElementById('username').value = ''; return true");
                signIn(w, admin);
                String row = "return [...document.querySelectorAll('#rooms tbody tr')].map(tr => [...tr.cells].map(c => c.textContent))"
                        + ".some(c => c[0] === '" + room + "' && c[1] === 'Watched room' && c[3] === '2' && c[4] === 'adm-host-" + suffix + "')";
                waitFor(w, row, "the room with its two members and its host");
                assertThat(chromium.script(w, "return document.getElementById('error').hidden").asBoolean()).isTrue();
                waitFor(w, "return [...document.querySelectorAll('#connections tbody tr')].some(tr => tr.cells[1].textContent === 'adm-guest-" + suffix + "')",
                        "the Java clients' connections");
                assertThat(chromium.script(w, "return document.querySelectorAll('#cluster tbody tr').length").asInt()).isEqualTo(1);
                assertThat(chromium.script(w, "return document.querySelector('#cluster tbody td').textContent").asText()).endsWith("(this node)");
                assertThat(chromium.script(w, "return [...document.querySelectorAll('#stats .label')].map(l => l.textContent).join(',')").asText())
                        .contains("connections", "rooms", "members", "messages in / s", "heap");
                assertThat(chromium.script(w, "return sessionStorage.getItem('hubbub.admin.token') !== null && localStorage.length === 0").asBoolean())
                        .as("the token lives in sessionStorage only").isTrue();

                // signed out, then in again with a minted admin token instead of an account
                chromium.click(w, "#signout");
                waitFor(w, "return !document.getElementById('signin-panel').hidden && sessionStorage.length === 0", "signed out");
                chromium.sendKeys(w, "#token", hub.adminToken("ops-" + suffix));
                chromium.click(w, "#use-token");
                waitFor(w, row, "the room, seen with a pasted admin token");
            } finally {
                chromium.closeSession(w);
            }
        }
    }

    private static void signIn(String w, String username) throws Exception {
        chromium.sendKeys(w, "#username", username);
        chromium.sendKeys(w, "#password", PASSWORD);
        chromium.click(w, "#signin");
    }

    private static void waitFor(String w, String js, String what) throws Exception {
        chromium.waitFor(w, js, what, "return JSON.stringify({error: document.getElementById('error').textContent, "
                + "rooms: [...document.querySelectorAll('#rooms tbody tr')].map(tr => [...tr.cells].map(c => c.textContent)), "
                + "connections: [...document.querySelectorAll('#connections tbody tr')].map(tr => tr.cells[1].textContent)})");
    }
}
