package io.hubbub.server.protocol.socketio.hubbub;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.protocol.Outbound;

import java.util.Set;

/**
 * Event relay on the Socket.IO main namespace ({@code socketio.relayEvents}): a client's emit of a
 * listed custom event is published to the topic {@link #TOPIC} as {@code topic:message}
 * {@code {topic, event, data: [args…], from}}; every main-namespace socket is subscribed to that topic
 * at connect, on every node, and gets the publication back as the EVENT {@code [event, …args]} (plus the
 * recovery offset, as for every recorded event). Native clients see the {@code topic:message} when they
 * subscribe to the topic themselves.
 *
 * @param events   the relayed event names; empty disables the relay (no topic subscription either)
 * @param maxBytes the largest accepted JSON encoding of one event's argument array
 */
public record Relay(Set<String> events, int maxBytes) {
    /** The topic that carries relayed events through the broker (public: native clients may subscribe). */
    public static final String TOPIC = "socketio.relay";

    public static final Relay NONE = new Relay(Set.of(), 0);

    public Relay {
        events = Set.copyOf(events);
    }

    public boolean enabled() {
        return !events.isEmpty();
    }

    /** True for a push that carries a relayed event: re-emitted on Socket.IO as the original event. */
    static boolean carries(Outbound.Push push) {
        if (!"topic:message".equals(push.type())) return false;
        JsonNode topic = push.payload() == null ? null : push.payload().get("topic");
        return topic != null && TOPIC.equals(topic.asText());
    }
}
