package io.hubbub.server.transport;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrustedProxiesTest {
    static final TrustedProxies PROXIES = TrustedProxies.parse(List.of("10.0.0.0/8", "192.168.1.7", "fd00::/8"));

    static String client(String peer, String xff) {
        return PROXIES.clientAddress(new InetSocketAddress(peer, 443), xff);
    }

    @Test
    void theRightMostUntrustedHopIsTheClient() {
        assertThat(client("10.1.2.3", "1.1.1.1, 203.0.113.5")).isEqualTo("203.0.113.5");
        assertThat(client("10.1.2.3", "1.1.1.1, 203.0.113.5, 10.9.9.9, 192.168.1.7")).isEqualTo("203.0.113.5");
        assertThat(client("fd00::1", "2001:db8::1")).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(client("10.1.2.3", "10.0.0.1, 10.0.0.2")).as("all trusted: the left-most").isEqualTo("10.0.0.1");
        assertThat(client("10.1.2.3", "not-an-ip")).as("garbage: the hop that passed it on").isEqualTo("10.1.2.3");
        assertThat(client("10.1.2.3", null)).isEqualTo("10.1.2.3");
    }

    @Test
    void aPeerThatIsNoTrustedProxyIsTheClientWhateverItsHeaderSays() {
        assertThat(client("203.0.113.5", "10.0.0.1")).isEqualTo("203.0.113.5");
        assertThat(client("192.168.1.8", "1.2.3.4")).isEqualTo("192.168.1.8");
        assertThat(TrustedProxies.NONE.clientAddress(new InetSocketAddress("10.0.0.1", 1), "1.2.3.4")).isEqualTo("10.0.0.1");
    }

    @Test
    void entriesMustBeIpLiteralsOrCidrBlocks() {
        for (String bad : List.of("localhost", "10.0.0.0/33", "10.0.0.0/x", "", "::1/129")) {
            assertThatThrownBy(() -> TrustedProxies.parse(List.of(bad))).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(TrustedProxies.parse(List.of()).isEmpty()).isTrue();
    }
}
