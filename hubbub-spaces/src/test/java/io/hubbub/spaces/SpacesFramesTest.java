package io.hubbub.spaces;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.hubbub.spaces.SpacesWireTest.about;
import static io.hubbub.spaces.SpacesWireTest.at;
import static io.hubbub.spaces.SpacesWireTest.join;
import static io.hubbub.spaces.SpacesWireTest.space;
import static io.hubbub.spaces.SpacesWireTest.start;
import static io.hubbub.spaces.SpacesWireTest.upTo;
import static io.hubbub.spaces.SpacesWireTest.walk;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Batched movement as shared frames, on a real server: a space sends one {@code space:moves} frame per
 * tick, the same for every receiver (one per cell with the area of interest), listing each mover's
 * latest accepted position. Frames carry their tick, so "one frame per tick" is counted, not timed
 * (tickHz = 1 keeps many moves inside one tick).
 */
class SpacesFramesTest {

    private static final int STEPS = 5;

    @Test
    void aReceiverGetsOneSharedFramePerTickWithEveryMoversLatestPosition() throws Exception {
        try (TestHubbub hub = start("tickHz", "1"); NativeClient watcher = hub.connect("watcher");
             NativeClient m0 = hub.connect("m0"); NativeClient m1 = hub.connect("m1"); NativeClient m2 = hub.connect("m2")) {
            String space = space(hub, "40x40");
            join(watcher, space);
            List<NativeClient> movers = List.of(m0, m1, m2);
            List<String> ids = List.of("m0", "m1", "m2");
            int[][] pos = new int[3][];
            for (int i = 0; i < 3; i++) pos[i] = join(movers.get(i), space);
            NativeClient seed = SpacesContractTest.seed(hub, null);
            JsonNode spawn = SpacesContractTest.join(seed, space, hub.token("seedling")).path("spawn");
            upTo(watcher, space, "go", watcher, m0, m1, m2);

            // each mover's accepted positions, in order; the moves interleave, as fast as the acks come back
            Map<String, List<String>> accepted = new HashMap<>();
            for (int step = 0; step < STEPS; step++) {
                for (int i = 0; i < 3; i++) {
                    int dir = pos[i][0] < 20 ? 1 : -1;
                    if (step == 0) pos[i] = new int[] {pos[i][0], pos[i][1], dir};
                    int x = pos[i][0] + pos[i][2];
                    JsonNode r = movers.get(i).ok("space:move", at(space, x, pos[i][1]));
                    assertThat(r.path("accepted").asBoolean()).as(r.toString()).isTrue();
                    pos[i][0] = x;
                    accepted.computeIfAbsent(ids.get(i), k -> new ArrayList<>()).add(x + "," + pos[i][1]);
                }
            }
            Map<String, String> last = new HashMap<>();
            for (int i = 0; i < 3; i++) last.put(ids.get(i), pos[i][0] + "," + pos[i][1]);

            Map<Long, JsonNode> watcherFrames = frames(watcher, last, accepted);
            Map<Long, JsonNode> m0Frames = frames(m0, Map.of("m1", last.get("m1"), "m2", last.get("m2")), accepted);
            assertThat(watcherFrames.values()).as("frames listing several movers").anyMatch(f -> f.path("moves").size() > 1);
            // the frame of the last move reached both: the same frame, tick and all
            long lastTick = watcherFrames.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
            assertThat(m0Frames).containsKey(lastTick);
            m0Frames.forEach((tick, f) -> {
                if (watcherFrames.containsKey(tick)) assertThat(f).as("tick " + tick).isEqualTo(watcherFrames.get(tick));
            });

            // a seed client moves: the shared frame lists it, but it gets the others' moves only
            int sx = spawn.path("x").asInt(), sy = spawn.path("y").asInt();
            SpacesContractTest.move(seed, sx < 20 ? sx + 1 : sx - 1, sy);
            watcher.take(about("space:moves", "seedling"));
            watcher.ok("space:chat", Json.object().put("spaceId", space).put("message", "done"));
            seed.event("new-message"); // after the frame with its own move, if it was sent to it
            Set<String> seedSaw = new HashSet<>();
            for (JsonNode f : seed.pending()) if (f.path("type").asText().equals("movement")) seedSaw.add(f.at("/payload/userId").asText());
            assertThat(seedSaw).contains("m2").doesNotContain("seedling");
            seed.close();
        }
    }

    /**
     * Reads {@code c}'s {@code space:moves} frames until it has seen every {@code until} position;
     * checks at most one frame per tick, each mover at most once per frame and only at accepted
     * positions, never older than one it was already shown. Returns the frames by tick.
     */
    private static Map<Long, JsonNode> frames(NativeClient c, Map<String, String> until, Map<String, List<String>> accepted) {
        Map<Long, JsonNode> byTick = new HashMap<>();
        Map<String, Integer> seenAt = new HashMap<>();
        Map<String, String> latest = new HashMap<>();
        long prevTick = -1;
        while (!latest.entrySet().containsAll(until.entrySet())) {
            JsonNode f = c.take(x -> x.path("type").asText().equals("space:moves")).path("payload");
            long tick = f.path("tick").asLong(-1);
            assertThat(tick).as("one frame per tick: " + f).isGreaterThan(prevTick);
            prevTick = tick;
            byTick.put(tick, f);
            Set<String> inFrame = new HashSet<>();
            for (JsonNode mv : f.path("moves")) {
                String u = mv.path("userId").asText(), p = mv.path("x").asInt() + "," + mv.path("y").asInt();
                assertThat(inFrame.add(u)).as("one entry per mover: " + f).isTrue();
                List<String> path = accepted.get(u);
                if (path == null) continue; // the receiver's own move, or a mover it does not follow
                int i = path.lastIndexOf(p);
                assertThat(i).as(u + " at an accepted position: " + f).isGreaterThanOrEqualTo(0);
                assertThat(i).as(u + " never shown older").isGreaterThanOrEqualTo(seenAt.getOrDefault(u, 0));
                seenAt.put(u, i);
                latest.put(u, p);
            }
        }
        return byTick;
    }

    @Test
    void withTheAreaOfInterestReceiversInOneCellShareOneFrame() throws Exception {
        try (TestHubbub hub = start("tickHz", "1", "aoiAbove", "2", "viewRadius", "5");
             NativeClient a = hub.connect("a"); NativeClient b = hub.connect("b");
             NativeClient far = hub.connect("far"); NativeClient mover = hub.connect("mover")) {
            String space = space(hub, "40x1");
            walk(a, space, join(a, space), 1, 0);
            walk(b, space, join(b, space), 3, 0);
            walk(far, space, join(far, space), 35, 0);
            int[] p = walk(mover, space, join(mover, space), 7, 0); // cells of 5 tiles: a, b in cell 0, mover in 1, far in 7
            upTo(a, space, "setup", a, b, far, mover);

            walk(mover, space, p, 9, 0);
            JsonNode fa = a.take(about("space:moves", "mover")).path("payload");
            JsonNode fb = b.take(about("space:moves", "mover")).path("payload");
            // the pending moves go out at the tick: the frame holds the latest, shared by a and b
            while (!fa.path("moves").toString().contains("\"x\":9")) fa = a.take(about("space:moves", "mover")).path("payload");
            while (fb.path("tick").asLong() < fa.path("tick").asLong()) fb = b.take(about("space:moves", "mover")).path("payload");
            assertThat(fb).isEqualTo(fa);
            Map<NativeClient, List<JsonNode>> before = upTo(a, space, "m1", a, b, far, mover);
            assertThat(before.get(far)).noneMatch(about("space:moves", "mover"));
            assertThat(before.get(a)).noneMatch(about("space:moves", "mover")); // nothing after the frame with x 9

            // the mover walks into far's view: far is told it joined, then sees its moves; a and b are told it left
            p = walk(mover, space, new int[] {9, 0}, 30, 0);
            assertThat(far.take(about("space:user-joined", "mover")).at("/payload/reason").asText()).isEqualTo("view");
            assertThat(a.take(about("space:user-left", "mover")).at("/payload/reason").asText()).isEqualTo("view");
            walk(mover, space, p, 31, 0);
            JsonNode ff = far.take(about("space:moves", "mover")).path("payload");
            while (!ff.path("moves").toString().contains("\"x\":31")) ff = far.take(about("space:moves", "mover")).path("payload");
            before = upTo(far, space, "m2", a, b, far);
            assertThat(before.get(a)).noneMatch(about("space:moves", "mover"));
            assertThat(before.get(b)).noneMatch(about("space:moves", "mover"));
        }
    }
}
