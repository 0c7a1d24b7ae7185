package io.hubbub.core.feature.adapter;

/**
 * A foreign JSON wire format served on its own WebSocket path (a seed's own client protocol), mapped
 * onto core events. One instance per path; {@link #open} makes the per-connection codec.
 *
 * <p>Identity is never taken from a frame: a connection is authenticated by the handshake's token
 * ({@code Authorization: Bearer} or {@code ?token=}) or by an {@code auth} envelope the codec emits
 * from the format's own login frame; the codec may check that ids inside later frames match
 * {@link AdapterConnection#principal()} and refuse the frame otherwise.
 */
public interface ProtocolAdapter {

    /** A short name for metrics and logs, e.g. {@code seed003}. */
    String name();

    /** A codec for one new connection. */
    AdapterCodec open(AdapterConnection connection);
}
