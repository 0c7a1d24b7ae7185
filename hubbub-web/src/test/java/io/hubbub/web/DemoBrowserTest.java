package io.hubbub.web;

import io.hubbub.server.testing.HeadlessChromium;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat demo (/demo/) in two headless Chromium windows against a real server, driven through its form
 * like a person would: each signs up, both enter one room, and each sees the other's messages, presence
 * and typing; signed in again, one enters the room from the room list — under the page's strict
 * Content-Security-Policy, served by the server itself (the shared module {@code /demo/shared.js} included).
 */
class DemoBrowserTest {
    private static TestHubbub hub;
    private static HeadlessChromium chromium;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.assumeInstalled("DemoBrowserTest");
        hub = TestHubbub.start(Map.of());
        chromium = HeadlessChromium.start("--window-size=1100,800");
    }

    @AfterAll
    static void stop() {
        if (chromium != null) chromium.close();
        if (hub != null) hub.close();
    }

    @Test
    void twoWindowsSeeEachOthersMessagesPresenceAndTyping() throws Exception {
        String suffix = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        String ann = "ann" + suffix;
        String bob = "bob" + suffix;
        String room = "demo-" + suffix;
        String a = chromium.newSession();
        String b = chromium.newSession();
        try {
            chromium.open(a, "http://127.0.0.1:" + hub.port() + "/demo/");
            chromium.open(b, "http://127.0.0.1:" + hub.port() + "/demo");  // redirected to /demo/
            // a wrong sign-in shows the server's code
            chromium.sendKeys(b, "#username", bob);
            chromium.sendKeys(b, "#password", "a-long-password");
            chromium.click(b, "#signin");
            waitFor(b, "return document.getElementById('error').dataset.code === 'unauthorized'", "bob's refused sign-in");

            signUp(a, ann);
            waitFor(a, "return document.getElementById('rooms').textContent === 'none yet: join one to create it'", "ann's empty room list");
            chromium.click(b, "#signup");
            waitFor(b, "return document.getElementById('status').textContent === 'connected'", "bob signed up and connected");

            enter(a, room);
            enter(b, room);
            waitFor(a, members(ann, bob), "ann sees bob in the room");
            waitFor(b, members(ann, bob), "bob sees ann in the room");

            chromium.sendKeys(a, "#text", "hello bob");
            waitFor(b, "return document.getElementById('typing').textContent === '" + ann + " is typing…'", "bob sees ann typing");
            chromium.click(a, "#send");
            waitFor(b, messages(ann + "hello bob"), "bob gets ann's message");
            waitFor(b, "return document.getElementById('typing').textContent === ''", "ann stopped typing");
            chromium.sendKeys(b, "#text", "hi ann");
            chromium.click(b, "#send");
            waitFor(a, messages(ann + "hello bob", bob + "hi ann"), "ann gets bob's answer after her own message");
            waitFor(b, messages(ann + "hello bob", bob + "hi ann"), "bob sees both in the same order");

            chromium.click(b, "#signout");
            waitFor(a, members(ann), "bob left ann's member list");

            // signed in again, bob finds the room in the room list and enters it from there
            chromium.click(b, "#signin");
            String listed = "[...document.querySelectorAll('#rooms button')].find(x => x.textContent.startsWith('" + room + " ('))";
            waitFor(b, "return " + listed + " !== undefined", "the room in bob's room list");
            chromium.script(b, listed + ".click(); return true");
            waitFor(b, members(ann, bob), "bob back in the room through the list");
            waitFor(a, members(ann, bob), "ann sees bob back");
            assertThat(chromium.script(a, "return document.getElementById('error').hidden").asBoolean()).isTrue();
        } finally {
            chromium.closeSession(a);
            chromium.closeSession(b);
        }
    }

    @Test
    void guestsChatWhereTheServerAllowsThemAndSeeTheServersRefusalElsewhere() throws Exception {
        String w = chromium.newSession();
        try {
            chromium.open(w, "http://127.0.0.1:" + hub.port() + "/demo/");
            chromium.sendKeys(w, "#guest-name", "Zoe");
            chromium.click(w, "#guest");
            waitFor(w, "return document.getElementById('error').dataset.code === 'forbidden'", "guests refused by default");
            try (TestHubbub open = TestHubbub.start(Map.of("auth.allowGuests", "true"))) {
                chromium.open(w, "http://127.0.0.1:" + open.port() + "/demo/");
                chromium.sendKeys(w, "#guest-name", "Zoe");
                chromium.click(w, "#guest");
                waitFor(w, "return document.getElementById('status').textContent === 'connected'", "the guest connected");
                assertThat(chromium.script(w, "return document.getElementById('me').textContent").asText()).isEqualTo("Zoe · guest");
                enter(w, "guests-" + System.nanoTime());
                chromium.sendKeys(w, "#text", "hello as a guest");
                chromium.click(w, "#send");
                waitFor(w, messages("Zoehello as a guest"), "the guest's message");
                waitFor(w, members("Zoe"), "the guest in the member list");
            }
        } finally {
            chromium.closeSession(w);
        }
    }

    private static void signUp(String w, String user) throws Exception {
        chromium.sendKeys(w, "#username", user);
        chromium.sendKeys(w, "#password", "a-long-password");
        chromium.click(w, "#signup");
        waitFor(w, "return document.getElementById('status').textContent === 'connected'", user + " signed up and connected");
    }

    private static void enter(String w, String room) throws Exception {
        chromium.script(w, "document.getElementById('room').value = '" + room + "'; return true");
        chromium.click(w, "#join");
        waitFor(w, "return document.getElementById('room-title').textContent === '# " + room + "'", "in room " + room);
    }

    private static String members(String... names) {
        return "return JSON.stringify([...document.querySelectorAll('#members li')].map(li => li.textContent)) === '"
                + toJson(names) + "'";
    }

    private static String messages(String... lines) {
        return "return JSON.stringify([...document.querySelectorAll('#messages li')].map(li => li.textContent)) === '"
                + toJson(lines) + "'";
    }

    private static String toJson(String... values) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) sb.append(i == 0 ? "" : ",").append('"').append(values[i]).append('"');
        return sb.append(']').toString();
    }

    private static void waitFor(String w, String js, String what) throws Exception {
        chromium.waitFor(w, js, what, "return JSON.stringify({status: document.getElementById('status')?.textContent, "
                + "error: document.getElementById('error')?.textContent, members: [...document.querySelectorAll('#members li')].map(l => l.textContent), "
                + "messages: [...document.querySelectorAll('#messages li')].map(l => l.textContent), typing: document.getElementById('typing')?.textContent})");
    }
}
