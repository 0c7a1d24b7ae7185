package io.hubbub.server.config;

import io.hubbub.core.config.Doc;
import io.hubbub.core.config.ByteSize;
import io.hubbub.core.config.Checks;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Socket.IO v5 over Engine.IO v4 on the shared port (docs/PROTOCOL.md, section Socket.IO). */
public record SocketIoConfig(
        @Doc("Serve Socket.IO clients on the shared port.") boolean enabled,
        @Doc("HTTP path of the Engine.IO endpoint, with leading and trailing '/'.") String path,
        @Doc("Time between Engine.IO pings sent by the server.") Duration pingInterval,
        @Doc("Close a session whose client does not answer a ping within this time.") Duration pingTimeout,
        @Doc("Largest accepted Engine.IO message or polling request body; announced to clients in the handshake.") ByteSize maxPayload,
        @Doc("Close an Engine.IO connection that has joined no namespace within this time (the unauthenticated window).") Duration connectTimeout,
        @Doc("Most bytes of binary attachments one connection may hold while its binary packet is incomplete; more closes the "
                + "connection. Attachments are only accepted after the connection has joined a namespace.") ByteSize maxAttachmentBytes,
        @Doc("Most bytes of binary attachments all connections together may hold for incomplete packets; a connection whose "
                + "attachment would exceed it is closed.") ByteSize maxPendingAttachmentBytes,
        @Doc("Testing only: serve what the official Socket.IO and Engine.IO test suites expect (an echo endpoint at /engine.io/, "
                + "test events on the main namespace) instead of Hubbub's events. See --profile socketio-conformance.") boolean conformance,
        @Doc("Custom Socket.IO event names relayed on the main namespace, e.g. [\"chat message\"]: a connected client's emit of "
                + "a listed event reaches every Socket.IO client of the main namespace on every node, sender included, with its "
                + "original arguments (like io.emit in a Socket.IO server). Carried by the topic 'socketio.relay', which native "
                + "clients may subscribe to. Empty: custom events get unknown_event. See docs/PROTOCOL.md, "
                + "'Migrating the getting-started chat'.") List<String> relayEvents) {

    /** Event names a Socket.IO client may not emit (the client library reserves them) or that Hubbub sends itself (error). */
    static final Set<String> RESERVED = Set.of("connect", "connect_error", "disconnect", "disconnecting",
            "newListener", "removeListener", "error");

    public SocketIoConfig {
        relayEvents = relayEvents == null ? List.of() : List.copyOf(relayEvents);
    }

    public static SocketIoConfig defaults() {
        return new SocketIoConfig(true, "/socket.io/", Duration.ofSeconds(25), Duration.ofSeconds(20), ByteSize.ofMiB(1),
                Duration.ofSeconds(10), ByteSize.ofMiB(2), ByteSize.ofMiB(64), false, List.of());
    }

    /** The path as Engine.IO mounts it (always ending with '/'). */
    public String mountPath() {
        return path.endsWith("/") ? path : path + "/";
    }

    void validate(Checks c) {
        c.require(path.startsWith("/") && path.length() > 1, "socketio.path", "must start with '/' and name a path, got '" + path + "'");
        c.positive("socketio.pingInterval", pingInterval);
        c.positive("socketio.pingTimeout", pingTimeout);
        c.atLeast("socketio.maxPayload", maxPayload, ByteSize.ofKiB(1));
        c.require(maxPayload.bytes() <= 64L * 1024 * 1024, "socketio.maxPayload", "must be at most 64MiB, got " + maxPayload);
        c.positive("socketio.connectTimeout", connectTimeout);
        c.atLeast("socketio.maxAttachmentBytes", maxAttachmentBytes, ByteSize.ofKiB(1));
        c.require(maxPendingAttachmentBytes.bytes() >= maxAttachmentBytes.bytes(), "socketio.maxPendingAttachmentBytes",
                "must be at least socketio.maxAttachmentBytes (" + maxAttachmentBytes + "), got " + maxPendingAttachmentBytes);
        c.require(relayEvents.size() <= 100, "socketio.relayEvents", "must list at most 100 events, got " + relayEvents.size());
        Set<String> seen = new HashSet<>();
        for (String e : relayEvents) {
            if (e.isEmpty() || e.length() > 64) {
                c.fail("socketio.relayEvents", "each event name must be 1-64 characters, got '" + e + "'");
            } else if (RESERVED.contains(e)) {
                c.fail("socketio.relayEvents", "'" + e + "' is reserved by Socket.IO or Hubbub; choose another event name");
            } else if (!seen.add(e)) {
                c.fail("socketio.relayEvents", "'" + e + "' is listed twice");
            }
        }
    }
}
