package io.hubbub.server.protocol.socketio;

/**
 * Socket.IO settings.
 *
 * @param connectTimeout         an Engine.IO connection that has joined no namespace this long after
 *                               opening is closed (milliseconds)
 * @param maxAttachments         most binary attachments one packet may announce; more is a protocol error
 * @param maxPendingEmits        emits buffered while a connect handler is still deciding; more fail
 * @param maxPendingAcks         server-to-client acknowledgements awaited per socket; more fail
 * @param maxAttachmentBytes     bytes of attachments one connection may hold for its incomplete binary
 *                               packet; more is a protocol error (the connection is closed)
 * @param maxPendingAttachmentBytes bytes of attachments all connections together may hold for incomplete
 *                               binary packets; a connection whose attachment would exceed it is closed
 */
public record SocketIoConfig(long connectTimeout, int maxAttachments, int maxPendingEmits, int maxPendingAcks,
                             long maxAttachmentBytes, long maxPendingAttachmentBytes) {
    public SocketIoConfig {
        if (connectTimeout <= 0 || maxAttachments < 0 || maxPendingEmits <= 0 || maxPendingAcks <= 0
                || maxAttachmentBytes <= 0 || maxPendingAttachmentBytes <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public static SocketIoConfig defaults() {
        return new SocketIoConfig(45_000, 16, 256, 1_024, 2L << 20, 64L << 20);
    }

    public SocketIoConfig withPendingEmits(int max) {
        return new SocketIoConfig(connectTimeout, maxAttachments, max, maxPendingAcks, maxAttachmentBytes, maxPendingAttachmentBytes);
    }

    public SocketIoConfig withConnectTimeout(long millis) {
        return new SocketIoConfig(millis, maxAttachments, maxPendingEmits, maxPendingAcks, maxAttachmentBytes, maxPendingAttachmentBytes);
    }

    public SocketIoConfig withAttachmentBytes(long perConnection, long total) {
        return new SocketIoConfig(connectTimeout, maxAttachments, maxPendingEmits, maxPendingAcks, perConnection, total);
    }
}
