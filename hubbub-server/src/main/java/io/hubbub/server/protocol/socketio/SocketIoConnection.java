package io.hubbub.server.protocol.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.server.transport.engineio.EngineIoSocket;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The Socket.IO side of one Engine.IO connection: decodes packets, reassembles binary packets,
 * routes them to the namespace sockets and enforces the connect timeout. Confined to the Engine.IO
 * socket's event loop. A malformed packet closes the whole Engine.IO connection.
 */
final class SocketIoConnection implements EngineIoSocket.Listener {
    private final SocketIoServer server;
    private final EngineIoSocket eio;
    private final Map<String, SocketIoSocket> sockets = new HashMap<>();
    private final Map<String, SocketIoSocket> connecting = new HashMap<>();
    private ScheduledFuture<?> connectTimer; // on the connection's loop
    private SocketIoPacket pendingBinary;
    private List<byte[]> buffers;
    private long bufferedBytes; // of buffers, also held in the server's global attachment budget
    private boolean closed;

    SocketIoConnection(SocketIoServer server, EngineIoSocket eio) {
        this.server = server;
        this.eio = eio;
        eio.listener(this);
        connectTimer = eio.loop().schedule(() -> connectDeadline(true), server.config().connectTimeout(), TimeUnit.MILLISECONDS);
    }

    /**
     * The unauthenticated window is over: a connection that joined no namespace is closed. One whose
     * CONNECT is still being decided (authentication, recovery replay — slow in a reconnect storm on a
     * loaded node) gets one more window, so a client that did its part is not cut off mid-connect; after
     * that it is closed too, so the window stays bounded (at most twice {@code connectTimeout}).
     */
    private void connectDeadline(boolean first) {
        if (!sockets.isEmpty() || closed) return;
        if (first && !connecting.isEmpty()) {
            connectTimer = eio.loop().schedule(() -> connectDeadline(false), server.config().connectTimeout(), TimeUnit.MILLISECONDS);
            return;
        }
        eio.close();
    }

    EngineIoSocket eio() {
        return eio;
    }

    SocketIoConfig config() {
        return server.config();
    }

    void send(SocketIoPacket packet) {
        eio.sendAll(EncodedPacket.of(packet).frames());
    }

    @Override
    public void onWritable() {
        for (SocketIoSocket socket : sockets.values()) socket.writableAgain();
    }

    @Override
    public void onHeartbeat() {
        for (SocketIoSocket socket : sockets.values()) socket.heartbeat();
    }

    void removed(SocketIoSocket socket) {
        sockets.remove(socket.namespace().name(), socket);
    }

    @Override
    public void onMessage(String text) {
        if (pendingBinary != null) {
            protocolError(); // text while attachments were expected
            return;
        }
        SocketIoPacket packet;
        try {
            packet = SocketIoCodec.decode(text);
        } catch (SocketIoCodec.DecodeException e) {
            protocolError();
            return;
        }
        int attachments = switch (packet) {
            case SocketIoPacket.BinaryEvent e -> e.attachments();
            case SocketIoPacket.BinaryAck a -> a.attachments();
            default -> 0;
        };
        if (attachments > server.config().maxAttachments()) {
            protocolError();
        } else if (attachments > 0 && !sockets.containsKey(namespaceOf(packet))) {
            // attachments are buffered only for a namespace the connection has joined (authenticated):
            // before that a peer could park attachments until the connect timeout
            protocolError();
        } else if (attachments > 0) {
            pendingBinary = packet;
            buffers = new ArrayList<>(attachments);
        } else {
            dispatch(packet);
        }
    }

    @Override
    public void onBinary(byte[] data) {
        if (pendingBinary == null) {
            protocolError(); // binary without an announcing packet
            return;
        }
        if (bufferedBytes + data.length > server.config().maxAttachmentBytes() || !server.reserveAttachmentBytes(data.length)) {
            protocolError(); // over this connection's or the server's attachment budget
            return;
        }
        bufferedBytes += data.length;
        buffers.add(data);
        int expected = pendingBinary instanceof SocketIoPacket.BinaryEvent e ? e.attachments()
                : ((SocketIoPacket.BinaryAck) pendingBinary).attachments();
        if (buffers.size() < expected) {
            return;
        }
        SocketIoPacket packet;
        try {
            packet = SocketIoCodec.reconstruct(pendingBinary, buffers);
        } catch (SocketIoCodec.DecodeException e) {
            protocolError();
            return;
        } finally {
            dropPending();
        }
        dispatch(packet);
    }

    /** Forgets the incomplete binary packet and returns its bytes to the global budget. Idempotent. */
    private void dropPending() {
        server.releaseAttachmentBytes(bufferedBytes);
        bufferedBytes = 0;
        pendingBinary = null;
        buffers = null;
    }

    private static String namespaceOf(SocketIoPacket packet) {
        return switch (packet) {
            case SocketIoPacket.BinaryEvent e -> e.namespace();
            case SocketIoPacket.BinaryAck a -> a.namespace();
            default -> "/";
        };
    }

    @Override
    public void onClose(String reason) {
        closed = true;
        dropPending();
        connectTimer.cancel(false);
        for (SocketIoSocket socket : List.copyOf(sockets.values())) {
            socket.closed(reason);
        }
        sockets.clear();
        // sockets whose connect handler is still deciding learn it too, so they can release what they hold
        for (SocketIoSocket socket : List.copyOf(connecting.values())) {
            socket.closed(reason);
        }
    }

    private void protocolError() {
        dropPending();
        eio.close();
    }

    private void dispatch(SocketIoPacket packet) {
        switch (packet) {
            case SocketIoPacket.Connect c -> connect(c);
            case SocketIoPacket.Disconnect d -> {
                SocketIoSocket socket = sockets.remove(d.namespace());
                if (socket != null) {
                    socket.closed("client namespace disconnect");
                }
            }
            case SocketIoPacket.Event e -> {
                SocketIoSocket socket = sockets.get(e.namespace());
                if (socket != null) {
                    socket.onEvent(e.data(), e.ackId());
                }
            }
            case SocketIoPacket.BinaryEvent e -> {
                SocketIoSocket socket = sockets.get(e.namespace());
                if (socket != null) {
                    socket.onEvent(e.data(), e.ackId());
                }
            }
            case SocketIoPacket.Ack a -> {
                SocketIoSocket socket = sockets.get(a.namespace());
                if (socket != null) {
                    socket.onAck(a.ackId(), a.data());
                }
            }
            case SocketIoPacket.BinaryAck a -> {
                SocketIoSocket socket = sockets.get(a.namespace());
                if (socket != null) {
                    socket.onAck(a.ackId(), a.data());
                }
            }
            case SocketIoPacket.ConnectError ignored -> protocolError(); // only servers send it
        }
    }

    private void connect(SocketIoPacket.Connect packet) {
        String name = packet.namespace();
        Namespace namespace = server.lookup(name);
        if (namespace == null) {
            send(new SocketIoPacket.ConnectError(name, errorBody("Invalid namespace", null)));
            return;
        }
        if (sockets.containsKey(name) || connecting.containsKey(name)) {
            return; // already joined or joining: a duplicate CONNECT changes nothing
        }
        JsonNode auth = packet.data() == null ? JsonNodeFactory.instance.objectNode() : packet.data();
        SocketIoSocket socket = new SocketIoSocket(this, namespace, auth);
        connecting.put(name, socket);
        CompletionStage<ConnectDecision> decision;
        try {
            decision = namespace.connectHandler().onConnect(socket);
        } catch (RuntimeException e) {
            decision = CompletableFuture.failedFuture(e);
        }
        decision.whenComplete((result, error) -> {
            if (eio.loop().inEventLoop()) {
                finishConnect(socket, result, error);
            } else {
                eio.loop().execute(() -> finishConnect(socket, result, error));
            }
        });
    }

    private void finishConnect(SocketIoSocket socket, ConnectDecision decision, Throwable error) {
        String name = socket.namespace().name();
        connecting.remove(name, socket);
        if (closed) {
            return;
        }
        if (error != null || decision == null || decision instanceof ConnectDecision.Refuse) {
            String message;
            JsonNode data = null;
            if (decision instanceof ConnectDecision.Refuse refuse) {
                message = refuse.message();
                data = refuse.data();
            } else {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                message = cause == null || cause.getMessage() == null ? "Connection refused" : cause.getMessage();
            }
            send(new SocketIoPacket.ConnectError(name, errorBody(message, data)));
            socket.refused();
            return;
        }
        sockets.put(name, socket);
        connectTimer.cancel(false);
        ObjectNode reply = JsonNodeFactory.instance.objectNode().put("sid", socket.id());
        if (socket.pid() != null) {
            reply.put("pid", socket.pid());
        }
        send(new SocketIoPacket.Connect(name, reply));
        socket.accepted();
    }

    private static ObjectNode errorBody(String message, JsonNode data) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("message", message);
        if (data != null) {
            body.set("data", data);
        }
        return body;
    }
}
