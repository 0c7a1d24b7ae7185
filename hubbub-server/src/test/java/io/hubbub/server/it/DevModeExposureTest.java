package io.hubbub.server.it;

import io.hubbub.server.app.HubbubServer;
import io.hubbub.server.config.ConfigLoader;
import io.hubbub.server.config.HubbubConfig;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code ./hubbub serve} without {@code --production} signs tokens with a public secret, so by default it
 * listens on 127.0.0.1 only; production keeps listening on all interfaces (and refuses the dev secret);
 * the dev secret on a non-loopback address is flagged.
 */
class DevModeExposureTest {

    static HubbubConfig config(Map<String, String> extra) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("server.port", "0");
        o.put("storage.dataDir", Files.createTempDirectory("hubbub-devbind").toString());
        o.putAll(extra);
        return new ConfigLoader().overrides(o).load().config().resolved();
    }

    @Test
    void devModeListensOnLoopbackByDefault() throws Exception {
        HubbubConfig c = config(Map.of());
        assertThat(c.server().host()).isEqualTo("127.0.0.1");
        assertThat(HubbubServer.devSecretExposed(c)).isFalse();
        HubbubServer server = HubbubServer.start(c);
        try {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 2000);
            }
            InetAddress external = firstNonLoopbackIpv4();
            if (external != null) { // the machine has a network address: the server must not answer on it
                assertThatThrownBy(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(external, server.port()), 2000);
                    }
                }).isInstanceOf(java.io.IOException.class);
            }
        } finally {
            server.shutdown(java.time.Duration.ZERO);
        }
    }

    @Test
    void theDevSecretOnANonLoopbackAddressIsFlaggedAndProductionListensEverywhere() throws Exception {
        assertThat(HubbubServer.devSecretExposed(config(Map.of("server.host", "0.0.0.0")))).isTrue();
        assertThat(HubbubServer.devSecretExposed(config(Map.of("server.host", "::1")))).isFalse();
        assertThat(HubbubServer.devSecretExposed(config(Map.of("server.host", "0.0.0.0",
                "auth.jwtSecret", "a-real-secret-of-at-least-32-bytes-000")))).isFalse();
        HubbubConfig prod = new ConfigLoader().overrides(Map.of("server.mode", "production", "server.allowedOrigins", "*",
                "auth.jwtSecret", "a-real-secret-of-at-least-32-bytes-000", "auth.allowGuests", "false")).load().config().resolved();
        assertThat(prod.server().host()).isEqualTo("0.0.0.0");
        assertThat(prod.server().effectiveHost()).isEqualTo("0.0.0.0");
    }

    private static InetAddress firstNonLoopbackIpv4() throws Exception {
        for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!n.isUp() || n.isLoopback()) continue;
            for (InetAddress a : Collections.list(n.getInetAddresses())) if (a instanceof Inet4Address) return a;
        }
        return null;
    }
}
