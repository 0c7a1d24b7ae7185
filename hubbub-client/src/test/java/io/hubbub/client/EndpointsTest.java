package io.hubbub.client;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EndpointsTest {

    private static String ws(String base, String token) {
        return Endpoints.webSocket(URI.create(base), token).toString();
    }

    @Test
    void mapsHttpBasesToTheWebSocketEndpoint() {
        assertThat(ws("http://127.0.0.1:8080", null)).isEqualTo("ws://127.0.0.1:8080/ws?v=1");
        assertThat(ws("https://hub.example.com/", null)).isEqualTo("wss://hub.example.com/ws?v=1");
        assertThat(ws("ws://h:1/prefix/", null)).isEqualTo("ws://h:1/prefix/ws?v=1");
        assertThat(ws("wss://h/ws", null)).isEqualTo("wss://h/ws?v=1");
        assertThat(ws("ws://h/ws?v=1", null)).isEqualTo("ws://h/ws?v=1");
    }

    @Test
    void addsAnEncodedTokenForQueryAuth() {
        assertThat(ws("http://h:1", "a.b+c/d=")).isEqualTo("ws://h:1/ws?v=1&token=a.b%2Bc%2Fd%3D");
    }

    @Test
    void rejectsOtherSchemes() {
        assertThatThrownBy(() -> ws("ftp://h", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ws("h:8080", null)).isInstanceOf(IllegalArgumentException.class);
    }
}
