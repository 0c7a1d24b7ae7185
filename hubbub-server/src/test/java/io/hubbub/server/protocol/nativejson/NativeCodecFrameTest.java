package io.hubbub.server.protocol.nativejson;

import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.protocol.Outbound;
import io.hubbub.server.transport.WsFrames;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link NativeCodec#wsFrame} encodes through a per-thread scratch buffer: every frame must be byte for
 * byte the frame of its JSON, whatever its size (all three WebSocket length forms), whatever came before
 * it on the thread (nothing left over from a larger frame), and on virtual threads too.
 */
class NativeCodecFrameTest {

    private static List<Outbound> frames() {
        return List.of(new Outbound.Push("a", Json.object().put("x", 1)),
                new Outbound.Push("signal:relay", Json.object().put("sdp", "v=0\r\n".repeat(40) + "é€")),
                new Outbound.Push("big", Json.object().put("s", "y".repeat(70_000))), // 64-bit length, over the kept scratch size
                new Outbound.Push("mid", Json.object().put("s", "z".repeat(5_000))), // 16-bit length, after a larger frame
                new Outbound.Reply(7, Json.object().put("delivered", true)),
                new Outbound.Failure(8L, ErrorCode.BAD_REQUEST, "no", null),
                new Outbound.Push("tiny", null));
    }

    @Test
    void framesAreTheirJsonWithTheWebSocketHeaderOnAnyThread() throws Exception {
        for (int round = 0; round < 2; round++) { // the second round reuses the thread's buffer
            for (Outbound f : frames()) assertThat(NativeCodec.wsFrame(copy(f))).isEqualTo(WsFrames.text(NativeCodec.json(f)));
        }
        try (var virtual = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Outbound f : frames())
                assertThat(virtual.submit(() -> NativeCodec.wsFrame(copy(f))).get()).isEqualTo(WsFrames.text(NativeCodec.json(f)));
        }
    }

    /** A fresh push (its encode cache empty), so each call really encodes. */
    private static Outbound copy(Outbound f) {
        return f instanceof Outbound.Push p ? new Outbound.Push(p.type(), p.payload()) : f;
    }
}
