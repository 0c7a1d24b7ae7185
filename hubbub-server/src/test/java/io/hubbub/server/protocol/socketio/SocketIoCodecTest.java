package io.hubbub.server.protocol.socketio;

import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.hubbub.core.protocol.EncodeCache;
import io.hubbub.core.protocol.Outbound;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Socket.IO v5 packet codec and the encode-once packet. */
class SocketIoCodecTest {

    @Test
    void decodesEveryPacketShape() throws Exception {
        assertThat(SocketIoCodec.decode("0")).isEqualTo(new SocketIoPacket.Connect("/", null));
        assertThat(SocketIoCodec.decode("0/admin,{\"token\":\"t\"}")).isInstanceOfSatisfying(SocketIoPacket.Connect.class,
                c -> assertThat(c.namespace()).isEqualTo("/admin"));
        assertThat(SocketIoCodec.decode("1/admin,")).isEqualTo(new SocketIoPacket.Disconnect("/admin"));
        assertThat(SocketIoCodec.decode("1/admin")).isEqualTo(new SocketIoPacket.Disconnect("/admin"));
        SocketIoPacket.Event event = (SocketIoPacket.Event) SocketIoCodec.decode("2/chat,12[\"hi\",1]");
        assertThat(event.namespace()).isEqualTo("/chat");
        assertThat(event.ackId()).isEqualTo(12L);
        assertThat(event.data().toString()).isEqualTo("[\"hi\",1]");
        assertThat(SocketIoCodec.decode("3/chat,12[]")).isInstanceOf(SocketIoPacket.Ack.class);
        SocketIoPacket.BinaryEvent binary = (SocketIoPacket.BinaryEvent) SocketIoCodec.decode("51-[\"up\",{\"_placeholder\":true,\"num\":0}]");
        assertThat(binary.attachments()).isEqualTo(1);
        SocketIoPacket.BinaryEvent filled = (SocketIoPacket.BinaryEvent) SocketIoCodec.reconstruct(binary, List.of(new byte[] {7}));
        assertThat(filled.data().get(1).binaryValue()).isEqualTo(new byte[] {7});
    }

    @Test
    void rejectsMalformedPackets() {
        for (String bad : List.of("", "7", "a", "2", "2{}", "2[]", "2[{}]", "2[\"connect\"]", "2abc[\"x\"]",
                "5[\"x\"]", "5x-[\"x\"]", "3[]", "1{}", "0[1]", "4", "2[\"x\"", "2[\"x\"]]", "21234567890123456[\"x\"]")) {
            assertThatThrownBy(() -> SocketIoCodec.decode(bad)).as("'" + bad + "'")
                    .isInstanceOf(SocketIoCodec.DecodeException.class);
        }
    }

    @Test
    void rejectsPlaceholdersOutOfRange() throws Exception {
        SocketIoPacket packet = SocketIoCodec.decode("51-[\"up\",{\"_placeholder\":true,\"num\":3}]");
        assertThatThrownBy(() -> SocketIoCodec.reconstruct(packet, List.of(new byte[] {1})))
                .isInstanceOf(SocketIoCodec.DecodeException.class);
    }

    @Test
    void encodesBinaryAsAttachmentsInTraversalOrder() {
        var data = JsonNodeFactory.instance.arrayNode().add("file");
        data.addObject().set("a", BinaryNode.valueOf(new byte[] {1}));
        data.add(BinaryNode.valueOf(new byte[] {2}));
        SocketIoCodec.Encoded encoded = SocketIoCodec.encode(new SocketIoPacket.Event("/x", 5L, data));
        assertThat(encoded.text()).isEqualTo(
                "52-/x,5[\"file\",{\"a\":{\"_placeholder\":true,\"num\":0}},{\"_placeholder\":true,\"num\":1}]");
        assertThat(encoded.attachments()).containsExactly(new byte[] {1}, new byte[] {2});
        assertThat(SocketIoCodec.encode(new SocketIoPacket.Disconnect("/x")).text()).isEqualTo("1/x,");
    }

    @Test
    void encodedPacketCarriesOffsetAndIsCachedPerBroadcast() {
        EncodedPacket packet = EncodedPacket.event("/", "news", "hello", 3);
        assertThat(packet.text()).isEqualTo("42[\"news\",\"hello\",3]");

        Outbound.Push push = new Outbound.Push("message:new", JsonNodeFactory.instance.objectNode().put("text", "hi"));
        EncodedPacket first = EncodedPacket.push(push);
        EncodedPacket second = EncodedPacket.push(push);
        assertThat(new String(first.textBytes(), StandardCharsets.UTF_8)).isEqualTo("42[\"message:new\",{\"text\":\"hi\"}]");
        assertThat(second.textBytes()).isSameAs(first.textBytes()).isSameAs(push.cache().get(EncodeCache.SOCKETIO_POLLING));
        // the WebSocket receivers share one complete frame: FIN + text opcode, 7-bit length, the packet
        byte[] ws = second.frames().get(0).wsFrame();
        assertThat(ws).isSameAs(first.frames().get(0).wsFrame()).isSameAs(push.cache().get(EncodeCache.SOCKETIO_WS));
        assertThat(ws[0]).isEqualTo((byte) 0x81);
        assertThat(ws[1]).isEqualTo((byte) first.textBytes().length);
        assertThat(java.util.Arrays.copyOfRange(ws, 2, ws.length)).isEqualTo(first.textBytes());
    }
}
