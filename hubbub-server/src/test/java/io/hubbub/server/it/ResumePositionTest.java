package io.hubbub.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.hubbub.server.testing.Frames.offsets;
import static io.hubbub.server.testing.Frames.p;
import static io.hubbub.server.testing.Frames.room;
import static io.hubbub.server.testing.Frames.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code session:resume} reply's position of each room is the last offset delivered to that
 * session before the reply (item 15 of the security review): live messages can arrive while the
 * resume re-joins the other rooms, and a client that stores the reply's position must not re-receive
 * them at its next resume.
 */
class ResumePositionTest {

    @Test
    void theResumeReplysPositionIsAtLeastEveryOffsetDeliveredBeforeIt() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of("limits.connectsPerIpPerSecond", "1000", "limits.framesPerSecond", "100000",
                "limits.frameBurst", "100000", "limits.roomCreatesPerUserPerMinute", "0",
                "limits.outboundQueueFrames", "1000000", "limits.outboundQueueBytes", "512MiB"));
             NativeClient pub = hub.connect("rp-pub");
             ExecutorService publisher = Executors.newVirtualThreadPerTaskExecutor()) {
            String busy = room("rp-busy");
            pub.ok("room:create", p("room", busy, "name", "Busy"));
            NativeClient a = hub.connect("rp-a");
            String token = a.event("session:welcome").path("resumeToken").asText();
            a.ok("room:join", p("room", busy));
            // many rooms, all busy: whichever the resume re-joins first receive live messages while it re-joins the rest
            List<String> rooms = new ArrayList<>(List.of(busy));
            for (int i = 0; i < 60; i++) {
                String r = busy + "-" + i;
                pub.ok("room:create", p("room", r, "name", "Busy " + i));
                a.ok("room:join", p("room", r));
                rooms.add(r);
            }
            for (int attempt = 0; attempt < 5; attempt++) {
                a.abort();
                RecoveryTest.awaitLeft(pub, busy, "rp-a");
                // publish while the client resumes (bounded; the publisher stops once the resume has answered)
                AtomicBoolean answered = new AtomicBoolean();
                Future<?> publishing = publisher.submit(() -> {
                    for (int i = 0; i < 20_000 && !answered.get(); i++) {
                        pub.send("message:send", p("room", rooms.get(i % rooms.size()), "data", i));
                    }
                    return null;
                });
                NativeClient back = hub.connect("rp-a");
                String next = back.event("session:welcome").path("resumeToken").asText();
                long id = back.send("session:resume", p("token", token));
                List<JsonNode> frames = until(back, id);
                answered.set(true);
                publishing.get();
                JsonNode reply = frames.getLast().path("payload");
                assertThat(reply.path("resumed").asBoolean()).as(reply.toString()).isTrue();
                for (String r : rooms) {
                    long position = reply.path("rooms").path(r).path("position").path("offset").asLong();
                    for (long offset : offsets(frames, r)) {
                        assertThat(position).as("attempt %d, room %s: the reply's position vs. an offset delivered before the reply",
                                attempt, r).isGreaterThanOrEqualTo(offset);
                    }
                }
                a = back;
                token = next;
            }
            a.close();
        }
    }
}
