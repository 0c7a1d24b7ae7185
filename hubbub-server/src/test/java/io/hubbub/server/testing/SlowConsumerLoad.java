package io.hubbub.server.testing;

import io.hubbub.core.messaging.MessagingService;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.room.Room;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load of the slow-consumer tests (native and Socket.IO alike): with a client that has stopped
 * reading and a {@code fast} one in {@code room}, publishes 2 KB messages, paced so the fast client keeps
 * up, until the slow one is removed from the room (or 20 s pass), then checks that the fast client got
 * every message, in order. Bounded in count and time.
 */
public final class SlowConsumerLoad {
    private SlowConsumerLoad() {}

    /** @return how many messages were published (all of them received by {@code fast}, in order) */
    public static long publishUntilDropped(TestHubbub hub, Room room, NativeClient fast) throws Exception {
        MessagingService messaging = hub.server().node().messaging();
        String filler = "x".repeat(2000);
        long published = 0;
        long received = 0;
        long until = System.currentTimeMillis() + 20_000;
        while (room.memberCount() == 2 && System.currentTimeMillis() < until && published < 20_000) {
            for (int i = 0; i < 20; i++) {
                messaging.publishToRoom(room, "message:new", Json.object().put("n", ++published).put("f", filler),
                        MessagingService.SERVER, null).join();
            }
            while (received < published - 100) {
                assertThat(fast.event("message:new").path("data").path("n").asLong()).isEqualTo(++received);
            }
        }
        while (received < published) {
            assertThat(fast.event("message:new").path("data").path("n").asLong()).as("every message, in order").isEqualTo(++received);
        }
        return published;
    }
}
