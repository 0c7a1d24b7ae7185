package io.hubbub.bench.jmh;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.engine.Publication;
import io.hubbub.core.hub.Hub;
import io.hubbub.core.protocol.Envelope;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.protocol.Outbound;
import io.hubbub.server.protocol.nativejson.NativeCodec;
import io.hubbub.server.protocol.socketio.SocketIoCodec;
import io.hubbub.server.protocol.socketio.SocketIoPacket;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Wire codecs: native envelope decode (client frame) and encode (a room message push, the complete
 * WebSocket frame, uncached so every call encodes), Socket.IO packet decode and encode.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC"})
public class CodecBenchmarks {
    private byte[] clientFrame;
    private String sioEvent;
    private ObjectNode data;
    private SocketIoPacket sioPacket;

    @Setup
    public void setup() {
        clientFrame = "{\"type\":\"message:send\",\"id\":42,\"payload\":{\"room\":\"lobby\",\"data\":{\"text\":\"hello there, 64 bytes of chat message text...\"}}}"
                .getBytes(StandardCharsets.UTF_8);
        sioEvent = "21[\"message:send\",{\"room\":\"lobby\",\"data\":{\"text\":\"hello there, 64 bytes of chat message text...\"}}]";
        data = Json.object().put("text", "hello there, 64 bytes of chat message text...");
        sioPacket = new SocketIoPacket.Event("/", null, Json.MAPPER.createArrayNode().add("message:new").add(payload()));
    }

    private ObjectNode payload() {
        ObjectNode p = Json.object().put("room", "lobby").put("offset", 41).put("epoch", "e1f0c2").put("ts", 1_700_000_000_000L);
        p.set("from", Json.object().put("id", "u1").put("name", "Ada"));
        p.set("data", data);
        return p;
    }

    @Benchmark
    public Envelope nativeDecode() {
        return NativeCodec.decode(new ByteArrayInputStream(clientFrame));
    }

    @Benchmark
    public byte[] nativeEncodePush() {
        Publication pub = new Publication("message:new", data, 41, "e1f0c2", 1_700_000_000_000L, null, false);
        Outbound.Push push = Hub.toPush(pub); // fresh push: nothing cached, so this measures one broadcast's encode
        return NativeCodec.wsFrame(push);
    }

    @Benchmark
    public SocketIoPacket socketIoDecode() throws SocketIoCodec.DecodeException {
        return SocketIoCodec.decode(sioEvent);
    }

    @Benchmark
    public SocketIoCodec.Encoded socketIoEncode() {
        return SocketIoCodec.encode(sioPacket);
    }
}
