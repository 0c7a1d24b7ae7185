package io.hubbub.server.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketClientCompressionHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.FileInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Transport options against a real server: TLS (wss), Origin allow-list, permessage-deflate, guests, external RS256 tokens. */
class TransportOptionsTest {

    @Test
    void wssServesTheNativeProtocolWithCertificateAndKeyFiles(@TempDir Path dir) throws Exception {
        Path ks = dir.resolve("ks.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "hubbub", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(ks.toFile())) {
            store.load(in, "changeit".toCharArray());
        }
        Certificate cert = store.getCertificate("hubbub");
        PrivateKey key = (PrivateKey) store.getKey("hubbub", "changeit".toCharArray());
        Path certFile = dir.resolve("cert.pem"), keyFile = dir.resolve("key.pem");
        Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));

        try (TestHubbub hub = TestHubbub.start(Map.of("server.tls.certFile", certFile.toString(), "server.tls.keyFile", keyFile.toString()))) {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
            LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
            WebSocket ws = client.newWebSocketBuilder().buildAsync(URI.create("wss://127.0.0.1:" + hub.port() + "/ws?token=" + hub.token("tls-user")),
                    new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            got.add(data.toString());
                            w.request(1);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            String welcome = got.poll(5, TimeUnit.SECONDS);
            assertThat(welcome).contains("session:welcome").contains("tls-user");
            ws.abort();
            assertThat(client.send(java.net.http.HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + hub.port() + "/health")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    @Test
    void onlyAllowedOriginsMayConnect() {
        try (TestHubbub hub = TestHubbub.start(Map.of("server.allowedOrigins", "https://app.example.com"))) {
            String url = hub.wsUrl() + "?token=" + hub.token("o");
            try (NativeClient ok = NativeClient.connect(url, "Origin", "https://app.example.com")) {
                assertThat(ok.event("session:welcome").path("user").path("id").asText()).isEqualTo("o");
            }
            assertThatThrownBy(() -> NativeClient.connect(url, "Origin", "https://evil.example.com")).rootCause().hasMessageContaining("403");
            try (NativeClient noOrigin = NativeClient.connect(url)) { // server-to-server clients send no Origin
                noOrigin.event("session:welcome");
            }
        }
    }

    @Test
    void guestsConnectOnlyWhenAllowed() {
        try (TestHubbub hub = TestHubbub.start(Map.of("auth.allowGuests", "true"))) {
            try (NativeClient g = NativeClient.connect(hub.wsUrl())) {
                JsonNode w = g.ok("auth", Json.object().put("guest", true).put("name", "Visitor"));
                assertThat(w.path("user").path("role").asText()).isEqualTo("guest");
                assertThat(w.path("user").path("name").asText()).isEqualTo("Visitor");
            }
        }
        try (TestHubbub hub = TestHubbub.start(); NativeClient g = NativeClient.connect(hub.wsUrl())) {
            assertThat(g.error("auth", Json.object().put("guest", true)).path("code").asText()).isEqualTo("forbidden");
        }
    }

    @Test
    void tokensMintedByAnExternalBackendWithRs256AreAccepted(@TempDir Path dir) throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair kp = gen.generateKeyPair();
        Path pub = dir.resolve("issuer.pem");
        Files.writeString(pub, pem("PUBLIC KEY", kp.getPublic().getEncoded()));
        try (TestHubbub hub = TestHubbub.start(Map.of("auth.external.publicKeyFile", pub.toString(),
                "auth.external.algorithm", "RS256", "auth.external.issuer", "https://backend.example.com"))) {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), new JWTClaimsSet.Builder().subject("ext-42")
                    .issuer("https://backend.example.com").claim("name", "Extern").expirationTime(new Date(System.currentTimeMillis() + 60_000)).build());
            jwt.sign(new RSASSASigner(kp.getPrivate()));
            try (NativeClient c = NativeClient.connect(hub.wsUrl() + "?token=" + jwt.serialize())) {
                assertThat(c.event("session:welcome").path("user").path("id").asText()).isEqualTo("ext-42");
            }
            SignedJWT wrongIssuer = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), new JWTClaimsSet.Builder().subject("ext-43")
                    .issuer("https://other.example.com").expirationTime(new Date(System.currentTimeMillis() + 60_000)).build());
            wrongIssuer.sign(new RSASSASigner(kp.getPrivate()));
            assertThatThrownBy(() -> NativeClient.connect(hub.wsUrl() + "?token=" + wrongIssuer.serialize())).rootCause().hasMessageContaining("401");
            assertThat(kp.getPublic()).isInstanceOf(RSAPublicKey.class);
        }
    }

    @Test
    void permessageDeflateIsNegotiatedAndLargeFramesArriveCompressed() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of("server.compression.enabled", "true", "server.compression.minBytes", "256"))) {
            var group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
            try {
                LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
                CompletableFuture<Boolean> sawCompressed = new CompletableFuture<>();
                URI uri = URI.create(hub.wsUrl() + "?token=" + hub.token("zip"));
                var ch = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20), WebSocketClientCompressionHandler.INSTANCE);
                        c.pipeline().addFirst("rsv-probe", new io.netty.channel.ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof io.netty.buffer.ByteBuf b && b.readableBytes() > 0 && (b.getByte(b.readerIndex()) & 0x40) != 0) {
                                    sawCompressed.complete(true);
                                }
                                ctx.fireChannelRead(msg);
                            }
                        });
                        c.pipeline().addLast(new WebSocketClientProtocolHandler(uri, WebSocketVersion.V13, null, true, new DefaultHttpHeaders(), 1 << 20));
                        c.pipeline().addLast(new SimpleChannelInboundHandler<WebSocketFrame>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame f) {
                                if (f instanceof TextWebSocketFrame t) got.add(t.text());
                            }
                        });
                    }
                }).connect("127.0.0.1", hub.port()).sync().channel();
                assertThat(got.poll(5, TimeUnit.SECONDS)).contains("session:welcome");
                String big = "x".repeat(2000);
                ch.writeAndFlush(new TextWebSocketFrame("{\"type\":\"room:create\",\"id\":1,\"payload\":{\"room\":\"zip-room\",\"name\":\"Zip\",\"metadata\":{\"pad\":\"" + big + "\"}}}"));
                String reply = got.poll(5, TimeUnit.SECONDS);
                assertThat(reply).contains("\"type\":\"reply\"").contains(big);
                assertThat(sawCompressed.get(5, TimeUnit.SECONDS)).as("a frame with RSV1 (compressed) arrived").isTrue();
                ch.close().sync();
            } finally {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            }
        }
    }
}
