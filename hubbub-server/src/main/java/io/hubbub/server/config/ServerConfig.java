package io.hubbub.server.config;

import io.hubbub.core.config.Doc;
import io.hubbub.core.config.ByteSize;
import io.hubbub.core.config.Checks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** The listener: address, WebSocket endpoint, frame limits, origins, compression, TLS. */
public record ServerConfig(
        @Doc("Interface to listen on; 0.0.0.0 listens on all IPv4 interfaces. Empty: 127.0.0.1 in dev mode (only this machine can connect), 0.0.0.0 in production.") String host,
        @Doc("TCP port for HTTP and WebSocket (0..65535; 0 picks a free port, printed at startup).") int port,
        @Doc("URL clients use to reach this server, e.g. https://chat.example.com; derived from host, port and TLS if empty.") String publicUrl,
        @Doc("dev (friendly defaults) or production (refuses insecure settings).") Mode mode,
        @Doc("HTTP path of the WebSocket endpoint.") String wsPath,
        @Doc("Largest accepted WebSocket frame; bigger frames are refused before parsing.") ByteSize maxFrameBytes,
        @Doc("Largest accepted HTTP request body for the HTTP API.") ByteSize maxHttpBodyBytes,
        @Doc("Time a client has to complete the WebSocket handshake.") Duration handshakeTimeout,
        @Doc("Close connections that send nothing for this long; 0 turns it off (heartbeats still apply).") Duration idleTimeout,
        @Doc("Allowed browser Origin values, e.g. [\"https://app.example.com\"]; [\"*\"] allows any. Empty: any in dev, refused in production.") List<String> allowedOrigins,
        // 0 = one loop per core, not Netty's two: fan-out is non-blocking CPU work, and every extra loop
        // holding members of a room costs one more task and wake-up per broadcast (measured on 2 cores,
        // 1000 x 200 msg/s: 4 loops cost 8-12 % more CPU per delivery than 1 or 2; docs/BENCHMARKS.md, issue 14)
        @Doc("Netty I/O threads (event loops); 0 picks one per core (measured cheaper per delivery than Netty's two per core; see docs/BENCHMARKS.md).") int ioThreads,
        @Doc("Believe X-Forwarded-For from the proxies in trustedProxies for client IPs (rate limits, per-IP limits, logs).") boolean trustProxy,
        @Doc("Reverse proxies (IPs or CIDR blocks, e.g. [\"10.0.0.0/8\"]) whose X-Forwarded-For is believed when trustProxy is on; the client IP is the right-most X-Forwarded-For hop not in this list, and requests from any other peer use the socket's address.") List<String> trustedProxies,
        @Doc("permessage-deflate compression of WebSocket frames.") CompressionConfig compression,
        @Doc("TLS (wss/https) from PEM files; off when certFile is empty.") TlsConfig tls) {

    /** dev: friendly defaults for a laptop. production: insecure settings are refused at startup. */
    public enum Mode {
        DEV, PRODUCTION;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ServerConfig {
        allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
    }

    public static ServerConfig defaults() {
        return new ServerConfig("", 8080, "", Mode.DEV, "/ws", ByteSize.ofKiB(64), ByteSize.ofMiB(1),
                Duration.ofSeconds(10), Duration.ZERO, List.of(), 0, false, List.of("127.0.0.1/32", "::1/128"),
                CompressionConfig.defaults(), TlsConfig.defaults());
    }

    /**
     * The interface to bind: the configured one, or for an empty {@code host} 127.0.0.1 in dev mode and
     * 0.0.0.0 in production. Dev mode runs with a public, documented JWT secret, so by default it must not
     * be reachable from the network (anyone who can reach it could forge an admin token).
     */
    public String effectiveHost() {
        if (!host.isBlank()) return host;
        return mode == Mode.PRODUCTION ? "0.0.0.0" : "127.0.0.1";
    }

    /** True if {@link #effectiveHost()} is a loopback address (an IP literal or "localhost"; never resolved). */
    public boolean loopbackOnly() {
        String h = effectiveHost();
        if (h.equalsIgnoreCase("localhost")) return true;
        byte[] ip = io.netty.util.NetUtil.createByteArrayFromIpAddressString(h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h);
        try {
            return ip != null && java.net.InetAddress.getByAddress(ip).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** True when any Origin is accepted: an explicit "*", or an empty list in dev mode. */
    public boolean anyOriginAllowed() {
        return allowedOrigins.contains("*") || (allowedOrigins.isEmpty() && mode == Mode.DEV);
    }

    /** The configured public URL, or one derived from host, port and TLS. */
    public String effectivePublicUrl() {
        if (!publicUrl.isBlank()) return publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
        String h = host.isBlank() || host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
        if (h.contains(":") && !h.startsWith("[")) h = "[" + h + "]";
        return (tls.enabled() ? "https://" : "http://") + h + ":" + port;
    }

    void validate(Checks c) {
        c.range("server.port", port, 0, 65535);
        if (!publicUrl.isBlank() && !(publicUrl.startsWith("http://") || publicUrl.startsWith("https://")))
            c.fail("server.publicUrl", "must start with http:// or https://, got '" + publicUrl + "'");
        c.require(wsPath.startsWith("/"), "server.wsPath", "must start with '/', got '" + wsPath + "'");
        c.atLeast("server.maxFrameBytes", maxFrameBytes, ByteSize.ofBytes(256));
        c.require(maxFrameBytes.bytes() <= 16L * 1024 * 1024, "server.maxFrameBytes", "must be at most 16MiB, got " + maxFrameBytes);
        c.atLeast("server.maxHttpBodyBytes", maxHttpBodyBytes, ByteSize.ofKiB(1));
        c.positive("server.handshakeTimeout", handshakeTimeout);
        c.notNegative("server.idleTimeout", idleTimeout);
        c.range("server.ioThreads", ioThreads, 0, 1024);
        for (String o : allowedOrigins) {
            if (!o.equals("*") && !(o.startsWith("http://") || o.startsWith("https://")))
                c.fail("server.allowedOrigins", "each entry must be \"*\" or an origin like https://app.example.com, got '" + o + "'");
        }
        if (c.production() && allowedOrigins.isEmpty())
            c.fail("server.allowedOrigins", "production mode needs the browser origins allowed to connect; set server.allowedOrigins "
                    + "(e.g. [\"https://app.example.com\"], or [\"*\"] to allow any) or HUBBUB_SERVER_ALLOWED_ORIGINS=https://app.example.com");
        for (String p : trustedProxies) {
            try {
                io.hubbub.server.transport.TrustedProxies.parse(List.of(p));
            } catch (IllegalArgumentException e) {
                c.fail("server.trustedProxies", "each entry must be an IP address or CIDR block like 10.0.0.0/8, got '" + p + "'");
            }
        }
        if (trustProxy && trustedProxies.isEmpty())
            c.fail("server.trustedProxies", "server.trustProxy needs the addresses of the proxies to trust, e.g. [\"10.0.0.0/8\"]");
        compression.validate(c);
        tls.validate(c);
    }

    /** permessage-deflate settings. */
    public record CompressionConfig(
            @Doc("Negotiate permessage-deflate with clients that offer it.") boolean enabled,
            @Doc("Frames smaller than this are sent uncompressed.") ByteSize minBytes) {
        public static CompressionConfig defaults() {
            return new CompressionConfig(false, ByteSize.ofKiB(1));
        }

        void validate(Checks c) {
            c.require(minBytes.bytes() <= 16L * 1024 * 1024, "server.compression.minBytes", "must be at most 16MiB, got " + minBytes);
        }
    }

    /** TLS from PEM files; enabled when certFile is set. */
    public record TlsConfig(
            @Doc("PEM certificate chain file; empty turns TLS off.") String certFile,
            @Doc("PEM private key file (PKCS#8).") String keyFile,
            @Doc("Password of an encrypted private key; empty if the key is not encrypted.") String keyPassword) {
        public static TlsConfig defaults() {
            return new TlsConfig("", "", "");
        }

        public boolean enabled() {
            return !certFile.isBlank();
        }

        void validate(Checks c) {
            if (certFile.isBlank() && keyFile.isBlank()) return;
            if (certFile.isBlank()) c.fail("server.tls.certFile", "must be set when server.tls.keyFile is set");
            else readable(c, "server.tls.certFile", certFile);
            if (keyFile.isBlank()) c.fail("server.tls.keyFile", "must be set when server.tls.certFile is set");
            else readable(c, "server.tls.keyFile", keyFile);
        }

        @Override
        public String toString() {
            return "TlsConfig[certFile=" + certFile + ", keyFile=" + keyFile + ", keyPassword=" + (keyPassword.isEmpty() ? "" : "***") + "]";
        }
    }

    static void readable(Checks c, String key, String file) {
        if (!Files.isReadable(Path.of(file))) c.fail(key, "file '" + file + "' does not exist or is not readable");
    }
}
