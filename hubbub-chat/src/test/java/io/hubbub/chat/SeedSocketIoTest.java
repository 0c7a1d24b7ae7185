package io.hubbub.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.hubbub.server.testing.Frames.p;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A seed-001 client over Socket.IO, unchanged except for its connection options: {@code auth:
 * {token, ackStyle: "seed"}} makes every acknowledgement {@code {success: true, …}} or
 * {@code {success: false, error}}; the chat events and pushes are the seed's ({@code message:new}
 * with {chatId, text} in, the message object out). Without the option, Hubbub's own ack shape.
 */
class SeedSocketIoTest {

    @Test
    void aSeedClientChatsWithSeedShapedAcknowledgements() throws Exception {
        try (ChatServer hub = ChatServer.start(Map.of())) {
            Socket ann = connect(hub, "ann", "seed");
            Socket bob = connect(hub, "bob", "seed");
            Socket plain = connect(hub, "cat", null);
            try {
                LinkedBlockingQueue<JsonNode> bobGot = new LinkedBlockingQueue<>();
                bob.on("message:new", a -> bobGot.add(parse(a[0])));

                JsonNode created = emit(ann, "chat:create", p("type", "direct", "userId", "bob"));
                assertThat(created.path("success").asBoolean()).isTrue();
                String chat = created.at("/chat/id").asText();

                JsonNode sent = emit(ann, "message:new", p("chatId", chat, "text", "hello from the seed client"));
                assertThat(sent.path("success").asBoolean()).as(sent.toString()).isTrue();
                assertThat(sent.at("/message/text").asText()).isEqualTo("hello from the seed client");
                JsonNode pushed = bobGot.poll(5, TimeUnit.SECONDS);
                assertThat(pushed).isNotNull();
                assertThat(pushed.path("chatId").asText()).isEqualTo(chat);
                assertThat(pushed.at("/sender/id").asText()).isEqualTo("ann");

                JsonNode refused = emit(ann, "message:new", p("chatId", chat, "text", ""));
                assertThat(refused.path("success").asBoolean()).isFalse();
                assertThat(refused.path("error").asText()).isEqualTo("field 'text' must not be empty");
                assertThat(refused.path("code").asText()).isEqualTo("bad_request");

                // typing with chatId is the chat's; the seed's typing:start reaches the other member
                LinkedBlockingQueue<JsonNode> typing = new LinkedBlockingQueue<>();
                bob.on("typing:start", a -> typing.add(parse(a[0])));
                assertThat(emit(ann, "typing:start", p("chatId", chat)).path("success").asBoolean()).isTrue();
                assertThat(typing.poll(5, TimeUnit.SECONDS).path("userId").asText()).isEqualTo("ann");

                // the default shape is unchanged for other clients
                JsonNode plainError = emit(plain, "message:new", p("chatId", chat, "text", "x"));
                assertThat(plainError.at("/error/code").asText()).isEqualTo("forbidden");
                assertThat(plainError.has("success")).isFalse();
            } finally {
                ann.close();
                bob.close();
                plain.close();
            }
        }
    }

    static Socket connect(ChatServer hub, String user, String ackStyle) throws Exception {
        Map<String, String> auth = ackStyle == null ? Map.of("token", hub.token(user)) : Map.of("token", hub.token(user), "ackStyle", ackStyle);
        Socket s = IO.socket(URI.create("http://127.0.0.1:" + hub.port()), IO.Options.builder().setForceNew(true)
                .setReconnection(false).setAuth(auth).setTransports(new String[] {"websocket"}).build());
        CompletableFuture<Object> welcome = new CompletableFuture<>();
        s.once("session:welcome", a -> welcome.complete(a[0]));
        s.once(Socket.EVENT_CONNECT_ERROR, a -> welcome.completeExceptionally(new AssertionError("connect error " + a[0])));
        s.connect();
        welcome.get(10, TimeUnit.SECONDS);
        return s;
    }

    static JsonNode emit(Socket s, String event, ObjectNode payload) throws Exception {
        CompletableFuture<Object> answer = new CompletableFuture<>();
        s.emit(event, new Object[] {new JSONObject(payload.toString())}, (Ack) args -> answer.complete(args[0]));
        return parse(answer.get(10, TimeUnit.SECONDS));
    }

    static JsonNode parse(Object o) {
        try {
            return Json.MAPPER.readTree(o.toString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
