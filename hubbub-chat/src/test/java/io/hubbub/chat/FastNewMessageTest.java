package io.hubbub.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.protocol.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-read common send binds exactly as the full bind does, and leaves everything else (which
 * may be bad input with its own error) to the full bind.
 */
class FastNewMessageTest {

    @Test
    void theCommonSendBindsAsTheFullBindDoes() throws Exception {
        for (String json : new String[] {
                "{\"chatId\":\"c1\",\"text\":\"hi\"}",
                "{\"chatId\":\"c.1:x@y-z_\",\"text\":\"\",\"clientId\":\"k-1\"}",
                "{\"text\":\"hé \\u263a\",\"chatId\":\"c1\",\"clientId\":\"k\",\"replyTo\":\"m1\"}",
                "{\"chatId\":\"" + "a".repeat(64) + "\",\"text\":\"x\"}"}) {
            JsonNode p = Json.MAPPER.readTree(json);
            assertThat(ChatPayloads.fastNewMessage(p)).as(json).isNotNull().isEqualTo(ChatFeature.bind(p, ChatPayloads.NewMessage.class));
        }
    }

    @Test
    void anythingElseTakesTheFullBind() throws Exception {
        for (String json : new String[] {
                "{\"chatId\":\"c1\"}", "{\"text\":\"x\"}", "{\"chatId\":\"c1\",\"text\":5}", "{\"chatId\":\"c1\",\"text\":null}",
                "{\"chatId\":\"c 1\",\"text\":\"x\"}", "{\"chatId\":\"\",\"text\":\"x\"}", "{\"chatId\":\"" + "a".repeat(65) + "\",\"text\":\"x\"}",
                "{\"chatId\":\"c1\",\"text\":\"x\",\"clientId\":\"bad id\"}", "{\"chatId\":\"c1\",\"text\":\"x\",\"replyTo\":\"\"}",
                "{\"chatId\":\"c1\",\"text\":\"a\\u0000b\"}", "{\"chatId\":\"c1\",\"text\":\"x\",\"extra\":\"y\"}",
                "{\"chatId\":\"c1\",\"text\":\"x\",\"mentions\":[\"u\"]}", "[1]", "\"x\""}) {
            assertThat(ChatPayloads.fastNewMessage(Json.MAPPER.readTree(json))).as(json).isNull();
        }
        assertThat(ChatPayloads.fastNewMessage(null)).isNull();
    }
}
