package io.hubbub.spaces;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.hubbub.spaces.SpacesWireTest.at;
import static io.hubbub.spaces.SpacesWireTest.join;
import static io.hubbub.spaces.SpacesWireTest.space;
import static io.hubbub.spaces.SpacesWireTest.start;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compact {@code space:moves} form on a real server: a client that joins with {@code compact: true}
 * decodes {@code m: [n, x, y, …]} with the short numbers announced in its join reply and in
 * {@code space:user-joined}, and sees exactly what a full-form client in the same space sees, frame
 * for frame; a seed client in the same space still gets its {@code movement} frames. Batched and not.
 */
class SpacesCompactTest {

    @Test
    void batchedCompactFramesCarryTheSameMovesAsTheFullOnes() throws Exception {
        compactMatchesFull("tickHz", "1");
    }

    @Test
    void unbatchedCompactFramesCarryTheSameMovesAsTheFullOnes() throws Exception {
        compactMatchesFull("batchMovement", "false");
    }

    @Test
    void withTheAreaOfInterestTheCellFrameComesInBothForms() throws Exception {
        compactMatchesFull("tickHz", "1", "aoiAbove", "2", "viewRadius", "50");
    }

    @Test
    void aCompactFlagThatIsNotABooleanIsABadRequest() throws Exception {
        try (TestHubbub hub = start(); NativeClient c = hub.connect("c")) {
            String space = space(hub, "5x5");
            JsonNode e = c.error("space:join", Json.object().put("spaceId", space).put("compact", "yes"));
            assertThat(e.path("code").asText()).isEqualTo("bad_request");
            assertThat(c.ok("space:join", Json.object().put("spaceId", space).put("compact", true)).has("n")).isTrue();
        }
    }

    private static void compactMatchesFull(String... settings) throws Exception {
        try (TestHubbub hub = start(settings); NativeClient full = hub.connect("full"); NativeClient compact = hub.connect("compact");
             NativeClient m0 = hub.connect("m0"); NativeClient m1 = hub.connect("m1")) {
            String space = space(hub, "40x40");
            join(full, space);
            JsonNode cj = compact.ok("space:join", Json.object().put("spaceId", space).put("compact", true));
            Map<Integer, String> names = new HashMap<>(); // what the compact client learned: number → user
            names.put(cj.path("n").asInt(), "compact");
            for (JsonNode u : cj.path("users")) names.put(u.path("n").asInt(), u.path("userId").asText());
            assertThat(names).containsValue("full").hasSize(2);
            List<NativeClient> movers = List.of(m0, m1);
            int[][] pos = {join(m0, space), join(m1, space)};
            for (String u : List.of("m0", "m1")) {
                JsonNode j = compact.take(f -> f.path("type").asText().equals("space:user-joined") && f.at("/payload/userId").asText().equals(u));
                assertThat(j.at("/payload/n").isInt()).as(j.toString()).isTrue();
                assertThat(names.put(j.at("/payload/n").asInt(), u)).as("a number is never reused").isNull();
            }
            NativeClient seed = SpacesContractTest.seed(hub, null);
            SpacesContractTest.join(seed, space, hub.token("seedling"));

            Map<String, String> last = new LinkedHashMap<>();
            for (int step = 0; step < 4; step++) {
                for (int i = 0; i < 2; i++) {
                    int x = pos[i][0] < 20 ? pos[i][0] + 1 : pos[i][0] - 1;
                    JsonNode r = movers.get(i).ok("space:move", at(space, x, pos[i][1]));
                    assertThat(r.path("accepted").asBoolean()).as(r.toString()).isTrue();
                    pos[i][0] = x;
                    last.put("m" + i, x + "," + pos[i][1]);
                }
            }
            List<Map<String, String>> seenFull = new ArrayList<>(), seenCompact = new ArrayList<>();
            List<JsonNode> rawFull = new ArrayList<>(), rawCompact = new ArrayList<>();
            while (!reached(seenFull, last)) {
                JsonNode f = full.take(x -> x.path("type").asText().equals("space:moves")).path("payload");
                assertThat(f.has("m")).isFalse();
                Map<String, String> d = new LinkedHashMap<>();
                for (JsonNode mv : f.path("moves")) d.put(mv.path("userId").asText(), mv.path("x").asInt() + "," + mv.path("y").asInt());
                seenFull.add(d);
                rawFull.add(f);
            }
            while (!reached(seenCompact, last)) {
                JsonNode f = compact.take(x -> x.path("type").asText().equals("space:moves")).path("payload");
                assertThat(f.has("moves")).isFalse();
                JsonNode m = f.path("m");
                assertThat(m.isArray() && m.size() % 3 == 0).as(f.toString()).isTrue();
                Map<String, String> d = new LinkedHashMap<>();
                for (int i = 0; i < m.size(); i += 3) {
                    String u = names.get(m.get(i).asInt());
                    assertThat(u).as("number announced before its use: " + f).isNotNull();
                    d.put(u, m.get(i + 1).asInt() + "," + m.get(i + 2).asInt());
                }
                seenCompact.add(d);
                rawCompact.add(f);
            }
            assertThat(seenCompact).isEqualTo(seenFull);
            for (int i = 0; i < rawFull.size(); i++) {
                assertThat(rawCompact.get(i).path("tick")).isEqualTo(rawFull.get(i).path("tick"));
                assertThat(rawCompact.get(i).toString().length()).isLessThan(rawFull.get(i).toString().length());
            }
            // the seed client in the same space: the full form's movement frames, as before
            for (String u : List.of("m0", "m1")) {
                String xy = last.get(u);
                seed.take(f -> f.path("type").asText().equals("movement") && f.at("/payload/userId").asText().equals(u)
                        && (f.at("/payload/x").asInt() + "," + f.at("/payload/y").asInt()).equals(xy));
            }
            seed.close();
        }
    }

    /** True once the frames so far, applied in order, put every mover at its last position. */
    private static boolean reached(List<Map<String, String>> frames, Map<String, String> last) {
        Map<String, String> now = new HashMap<>();
        frames.forEach(now::putAll);
        return now.entrySet().containsAll(last.entrySet());
    }
}
