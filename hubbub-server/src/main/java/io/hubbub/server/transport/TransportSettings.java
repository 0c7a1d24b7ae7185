package io.hubbub.server.transport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the transports need, mapped by the app from the configuration tree (where each value is
 * documented). Kept separate so transports do not depend on the whole configuration.
 */
public record TransportSettings(
        String host,
        int port,
        String wsPath,
        int maxFrameBytes,
        Duration handshakeTimeout,
        Duration idleTimeout,
        Duration heartbeatInterval,
        Duration heartbeatTimeout,
        List<String> allowedOrigins,
        boolean anyOrigin,
        boolean compression,
        int compressionMinBytes,
        Path tlsCert,
        Path tlsKey,
        String tlsKeyPassword,
        TrustedProxies trustedProxies,
        int maxConnections,
        int maxConnectionsPerIp,
        double connectsPerIpPerSecond,
        int outboundQueueFrames,
        long outboundQueueBytes,
        int maxHttpBodyBytes,
        int ioThreads) {

    public static TransportSettings defaults(int port) {
        return new TransportSettings("127.0.0.1", port, "/ws", 65536, Duration.ofSeconds(10), Duration.ZERO,
                Duration.ofSeconds(25), Duration.ofSeconds(60), List.of(), true, false, 1024, null, null, null, TrustedProxies.NONE,
                100_000, 1000, 20, 1024, 4L << 20, 1 << 20, 0);
    }

    /** The same settings with another HTTP body limit (the aggregator must admit the largest Engine.IO POST). */
    public TransportSettings withMaxHttpBodyBytes(int bytes) {
        return new TransportSettings(host, port, wsPath, maxFrameBytes, handshakeTimeout, idleTimeout, heartbeatInterval,
                heartbeatTimeout, allowedOrigins, anyOrigin, compression, compressionMinBytes, tlsCert, tlsKey, tlsKeyPassword,
                trustedProxies, maxConnections, maxConnectionsPerIp, connectsPerIpPerSecond, outboundQueueFrames, outboundQueueBytes,
                bytes, ioThreads);
    }

    /** The same settings with another number of I/O threads (event loops); 0 is Netty's default. */
    public TransportSettings withIoThreads(int threads) {
        return new TransportSettings(host, port, wsPath, maxFrameBytes, handshakeTimeout, idleTimeout, heartbeatInterval,
                heartbeatTimeout, allowedOrigins, anyOrigin, compression, compressionMinBytes, tlsCert, tlsKey, tlsKeyPassword,
                trustedProxies, maxConnections, maxConnectionsPerIp, connectsPerIpPerSecond, outboundQueueFrames, outboundQueueBytes,
                maxHttpBodyBytes, threads);
    }

    /**
     * The WebSocket layer's limit on one frame's payload, after inflation where permessage-deflate is
     * on: 4 × {@code maxFrameBytes}, at least 16 KiB. Over it the connection is closed with 1009.
     */
    public int wireFrameLimit() {
        return Math.max(maxFrameBytes * 4, 16 * 1024);
    }

    public boolean tls() {
        return tlsCert != null && tlsKey != null;
    }
}
