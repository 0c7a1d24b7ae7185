package io.hubbub.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FramesTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final Frames frames = new Frames(mapper);

    @Test
    void encodesRequestsWithIdAndPayload() throws Exception {
        ObjectNode payload = mapper.createObjectNode().put("room", "lobby");
        JsonNode frame = mapper.readTree(frames.encode("room:join", 7L, payload));
        assertThat(frame.get("type").asText()).isEqualTo("room:join");
        assertThat(frame.get("id").isIntegralNumber()).isTrue();
        assertThat(frame.get("id").asLong()).isEqualTo(7);
        assertThat(frame.get("payload")).isEqualTo(payload);
        assertThat(frame.size()).isEqualTo(3);
    }

    @Test
    void encodesFireAndForgetWithoutIdAndEmptyPayload() throws Exception {
        JsonNode frame = mapper.readTree(frames.encode("typing:start", null, null));
        assertThat(frame.has("id")).isFalse();
        assertThat(frame.get("payload").isObject()).isTrue();
        assertThat(frame.get("payload").size()).isZero();
    }

    @Test
    void refusesToEncodeInvalidFrames() {
        assertThatThrownBy(() -> frames.encode(" ", 1L, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> frames.encode("x", -1L, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> frames.encode("x", 1L, mapper.createArrayNode()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("object");
    }

    @Test
    void decodesReplies() {
        InboundFrame f = frames.decode("{\"type\":\"reply\",\"id\":7,\"payload\":{\"offset\":42}}");
        assertThat(f).isInstanceOfSatisfying(InboundFrame.Reply.class, r -> {
            assertThat(r.id()).isEqualTo(7);
            assertThat(r.payload().get("offset").asLong()).isEqualTo(42);
        });
        InboundFrame empty = frames.decode("{\"type\":\"reply\",\"id\":8}");
        assertThat(empty).isInstanceOfSatisfying(InboundFrame.Reply.class,
                r -> assertThat(r.payload().isObject() && r.payload().isEmpty()).isTrue());
    }

    @Test
    void decodesErrorsWithAndWithoutId() {
        InboundFrame answer = frames.decode(
                "{\"type\":\"error\",\"id\":3,\"payload\":{\"code\":\"moved\",\"message\":\"elsewhere\",\"details\":{\"url\":\"ws://b\"}}}");
        assertThat(answer).isInstanceOfSatisfying(InboundFrame.Failure.class, e -> {
            assertThat(e.id()).isEqualTo(3L);
            assertThat(e.code()).isEqualTo("moved");
            assertThat(e.message()).isEqualTo("elsewhere");
            assertThat(e.payload().path("details").path("url").asText()).isEqualTo("ws://b");
        });
        InboundFrame loose = frames.decode("{\"type\":\"error\",\"payload\":{\"code\":\"bad_request\",\"message\":\"bad JSON\"}}");
        assertThat(loose).isInstanceOfSatisfying(InboundFrame.Failure.class, e -> {
            assertThat(e.id()).isNull();
            assertThat(e.code()).isEqualTo("bad_request");
        });
    }

    @Test
    void decodesPushes() {
        InboundFrame f = frames.decode("{\"type\":\"message:new\",\"payload\":{\"room\":\"lobby\",\"offset\":1,\"epoch\":\"e\"}}");
        assertThat(f).isInstanceOfSatisfying(InboundFrame.Push.class, p -> {
            assertThat(p.type()).isEqualTo("message:new");
            assertThat(p.payload().get("room").asText()).isEqualTo("lobby");
        });
    }

    @Test
    void roundTripsWhatItEncodes() {
        String text = frames.encode("message:send", 12L, mapper.createObjectNode().put("room", "r"));
        assertThat(frames.decode(text)).isInstanceOfSatisfying(InboundFrame.Push.class, p -> {
            assertThat(p.type()).isEqualTo("message:send");
            assertThat(p.payload().get("room").asText()).isEqualTo("r");
        });
    }

    @Test
    void rejectsMalformedFrames() {
        String[] bad = {
                "not json", "[1,2]", "\"text\"", "{}", "{\"type\":5}", "{\"type\":\"\"}",
                "{\"type\":\"reply\",\"payload\":{}}", "{\"type\":\"reply\",\"id\":-1}",
                "{\"type\":\"reply\",\"id\":1.5}", "{\"type\":\"reply\",\"id\":\"7\"}",
                "{\"type\":\"x\",\"payload\":[1]}", "{\"type\":\"x\",\"payload\":\"s\"}"
        };
        for (String text : bad) {
            assertThatThrownBy(() -> frames.decode(text)).as(text).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
