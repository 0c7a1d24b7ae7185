package io.hubbub.core.feature.adapter;

import io.hubbub.core.protocol.Envelope;
import io.hubbub.core.protocol.Outbound;

import java.util.List;

/**
 * Maps one connection's frames between a foreign format and core events. Stateful per connection
 * (e.g. which request id answers which frame); both methods run on the connection's executor, one
 * call at a time, so no locking is needed.
 */
public interface AdapterCodec {

    /**
     * One client text frame → the core events it stands for, in order (ids chosen by the codec, so it
     * can tell later which answer belongs to which frame). May return an empty list (e.g. a heartbeat
     * the codec answers itself through {@link #encode}). A malformed or forbidden frame throws
     * {@link io.hubbub.core.protocol.HubbubException} ({@code bad_request}, {@code forbidden}, …); the
     * transport passes it to {@link #encode} as a {@link Outbound.Failure} and the connection stays open.
     */
    List<Envelope> decode(String text);

    /**
     * One frame from the core (a reply, a failure or a push) → zero or more text frames of the format.
     * Returning an empty list drops it (e.g. a push the format has no word for).
     */
    List<String> encode(Outbound frame);

    /**
     * Core events to run once when the connection is open (after the handshake, authenticated by its
     * token when it sent one), before any client frame, answered through {@link #encode} like decoded
     * ones: e.g. the topic subscriptions a format takes from its handshake URL. Default: none.
     */
    default List<Envelope> opened() {
        return List.of();
    }
}
