package io.hubbub.fakesolana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scriptable stand-in for a Solana RPC node (no real one can run here; shared by the chain feature's
 * tests and the {@code chain} benchmark scenario), speaking the documented
 * JSON-RPC shapes: HTTP {@code getTransaction}, {@code getSignaturesForAddress} (newest first,
 * {@code before}/{@code until} exclusive, {@code limit}), {@code getSignatureStatuses}, {@code getSlot};
 * WebSocket on {@code /} {@code logsSubscribe}/{@code accountSubscribe}/{@code slotSubscribe}/
 * {@code signatureSubscribe} answering subscription ids, notifications
 * {@code {"method":"logsNotification","params":{"result":{"context":{"slot"},"value":{…}},"subscription"}}}
 * and {@code *Unsubscribe}. A signature subscription gets one {@code signatureNotification
 * {value:{err}}} when its transaction is visible at the subscription's commitment (landing, or
 * {@link #finalizeNow}), then ends; one made after that point gets none (the subscriber must check).
 *
 * <p>Scripts: {@link #land} a transaction with or without a notification (a gap only backfill fills),
 * {@link #notifyLogs} again (duplicates) or in any order, {@link #notifyFork} a signature that never
 * lands, {@link #dropConnections}, {@link #refuseConnections}, {@link #failNextCalls} (HTTP 500),
 * {@link #hideAtFinalized} (seen at confirmed only, for a while).
 */
public final class FakeSolana implements AutoCloseable {
    private record Landed(String signature, long slot, ObjectNode json, Set<String> addresses, List<String> logs, boolean failed) {}

    private record Sub(long id, String kind, String key, String commitment, Channel channel) {}

    private final NioEventLoopGroup group = new NioEventLoopGroup(2);
    private final Channel server;
    private final List<Landed> ledger = new CopyOnWriteArrayList<>(); // oldest first
    private final Map<String, Landed> bySignature = new ConcurrentHashMap<>();
    private final Map<Long, Sub> subs = new ConcurrentHashMap<>();
    private final Set<Channel> sockets = ConcurrentHashMap.newKeySet();
    private final Set<String> notFinal = ConcurrentHashMap.newKeySet();
    private final AtomicLong slot = new AtomicLong(1000);
    private final AtomicLong subIds = new AtomicLong(100);
    private final AtomicInteger failCalls = new AtomicInteger();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private volatile boolean refuse;

    public FakeSolana() {
        try {
            server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Gate(),
                                    new WebSocketServerProtocolHandler("/ws", null, false, 1 << 20), new Http(), new Ws());
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public String httpUrl() {
        return "http://127.0.0.1:" + port() + "/";
    }

    public String wsUrl() {
        return "ws://127.0.0.1:" + port() + "/ws";
    }

    // ------------------------------------------------------------- scripts

    /** Lands {@code tx} in a new slot; notifies logs subscribers mentioning its accounts when {@code notify}. */
    public String land(FakeTx.Builder tx, boolean notify) {
        long s = slot.incrementAndGet();
        ObjectNode json = tx.json(s);
        Landed landed = new Landed(tx.signature(), s, json, Set.copyOf(tx.accounts()), tx.logLines(), json.path("meta").hasNonNull("err"));
        ledger.add(landed);
        bySignature.put(landed.signature, landed);
        if (notify) notifyLogs(tx.signature());
        signatureReached(tx.signature());
        return tx.signature();
    }

    /** Lands a transaction whose {@code getTransaction} result has a shape no parser reads (no accountKeys). */
    public String landUnreadable(String mentions) {
        long s = slot.incrementAndGet();
        String sig = FakeTx.signature();
        ObjectNode json = Json.object().put("slot", s);
        json.putObject("meta").putNull("err");
        Landed landed = new Landed(sig, s, json, Set.of(mentions), List.of(), false);
        ledger.add(landed);
        bySignature.put(sig, landed);
        return sig;
    }

    /** (Re)sends the logs notification of a landed transaction (a duplicate when sent twice). */
    public void notifyLogs(String signature) {
        Landed l = find(signature);
        for (Sub sub : subs.values()) {
            if (!sub.kind.equals("logs") || !l.addresses.contains(sub.key)) continue;
            ObjectNode v = Json.object().put("signature", signature);
            if (l.failed) v.set("err", l.json.path("meta").path("err"));
            else v.putNull("err");
            ArrayNode logs = v.putArray("logs");
            l.logs.forEach(logs::add);
            send(sub, "logsNotification", l.slot, v);
        }
        for (Sub sub : subs.values()) {
            if (sub.kind.equals("account") && l.addresses.contains(sub.key))
                send(sub, "accountNotification", l.slot, Json.object().put("lamports", 1).put("owner", FakeTx.SYSTEM));
        }
    }

    /** A logs notification for a transaction of a minority fork: it never lands. */
    public String notifyFork(String mentions) {
        String sig = FakeTx.signature();
        for (Sub sub : subs.values()) {
            if (!sub.kind.equals("logs") || !sub.key.equals(mentions)) continue;
            ObjectNode v = Json.object().put("signature", sig).putNull("err");
            v.putArray("logs").add("Program " + mentions + " invoke [1]");
            send(sub, "logsNotification", slot.get() + 1, v);
        }
        return sig;
    }

    public void tickSlot() {
        long s = slot.incrementAndGet();
        for (Sub sub : subs.values())
            if (sub.kind.equals("slot")) {
                ObjectNode n = Json.object().put("jsonrpc", "2.0").put("method", "slotNotification");
                n.putObject("params").put("subscription", sub.id).putObject("result").put("parent", s - 1).put("root", s - 32).put("slot", s);
                sub.channel.writeAndFlush(new TextWebSocketFrame(n.toString()));
            }
    }

    /** The transaction is visible at {@code confirmed} but not at {@code finalized} until {@link #finalizeNow}. */
    public void hideAtFinalized(String signature) {
        notFinal.add(signature);
    }

    public void finalizeNow(String signature) {
        notFinal.remove(signature);
        signatureReached(signature);
    }

    /**
     * {@code signatureNotification {context:{slot}, value:{err}}} to each signature subscription of a
     * landed transaction visible at the subscription's commitment; the subscription then ends (a
     * single-notification subscription, as the RPC documentation says).
     */
    private void signatureReached(String signature) {
        Landed l = find(signature);
        for (Sub sub : subs.values()) {
            if (!sub.kind.equals("signature") || !sub.key.equals(signature) || !visible(l, sub.commitment)) continue;
            if (subs.remove(sub.id) == null) continue;
            ObjectNode v = Json.object();
            if (l.failed) v.set("err", l.json.path("meta").path("err"));
            else v.putNull("err");
            send(sub, "signatureNotification", l.slot, v);
        }
    }

    /**
     * A {@code signatureNotification {err:null}} for {@code signature} whatever its state (a lying or
     * forked node): a listener must check {@code getTransaction}, not trust it. Ends the subscription.
     */
    public void notifySignatureAnyway(String signature) {
        for (Sub sub : subs.values()) {
            if (!sub.kind.equals("signature") || !sub.key.equals(signature) || subs.remove(sub.id) == null) continue;
            send(sub, "signatureNotification", slot.get(), Json.object().putNull("err"));
        }
    }

    /** Closes every WebSocket (the node restarted, a proxy cut them). */
    public void dropConnections() {
        for (Channel c : sockets) c.close();
        subs.clear();
    }

    /** While true, WebSocket upgrades are answered 503 (HTTP RPC still works: the listener must poll). */
    public void refuseConnections(boolean r) {
        refuse = r;
    }

    /** The next {@code n} HTTP calls answer 500. */
    public void failNextCalls(int n) {
        failCalls.set(n);
    }

    public int subscriptions(String kind) {
        return (int) subs.values().stream().filter(s -> s.kind.equals(kind)).count();
    }

    public int calls(String method) {
        AtomicInteger n = calls.get(method);
        return n == null ? 0 : n.get();
    }

    private Landed find(String sig) {
        Landed l = bySignature.get(sig);
        if (l == null) throw new IllegalArgumentException("no landed transaction " + sig);
        return l;
    }

    private void send(Sub sub, String method, long atSlot, JsonNode value) {
        ObjectNode n = Json.object().put("jsonrpc", "2.0").put("method", method);
        ObjectNode result = n.putObject("params").put("subscription", sub.id).putObject("result");
        result.putObject("context").put("slot", atSlot);
        result.set("value", value);
        sub.channel.writeAndFlush(new TextWebSocketFrame(n.toString()));
    }

    // ------------------------------------------------------------- RPC

    private boolean visible(Landed l, String commitment) {
        return !"finalized".equals(commitment) || !notFinal.contains(l.signature);
    }

    public JsonNode rpc(String method, JsonNode params) {
        calls.computeIfAbsent(method, k -> new AtomicInteger()).incrementAndGet();
        switch (method) {
            case "getSlot" -> {
                return Json.NODES.numberNode(slot.get());
            }
            case "getTransaction" -> {
                String sig = params.path(0).asText();
                String c = params.path(1).path("commitment").asText("finalized");
                Landed l = bySignature.get(sig);
                return l != null && visible(l, c) ? l.json : Json.NODES.nullNode();
            }
            case "getSignatureStatuses" -> {
                ObjectNode r = Json.object();
                r.putObject("context").put("slot", slot.get());
                ArrayNode v = r.putArray("value");
                for (JsonNode s : params.path(0)) {
                    Landed l = bySignature.get(s.asText());
                    if (l == null) v.addNull();
                    else {
                        ObjectNode st = v.addObject().put("slot", l.slot).put("confirmationStatus", notFinal.contains(l.signature) ? "confirmed" : "finalized");
                        if (l.failed) st.set("err", l.json.path("meta").path("err"));
                        else st.putNull("err");
                    }
                }
                return r;
            }
            case "getSignaturesForAddress" -> {
                String addr = params.path(0).asText();
                JsonNode cfg = params.path(1);
                String before = cfg.path("before").asText(null), until = cfg.path("until").asText(null), c = cfg.path("commitment").asText("finalized");
                int limit = cfg.path("limit").asInt(1000);
                List<Landed> newestFirst = new ArrayList<>(ledger);
                java.util.Collections.reverse(newestFirst);
                ArrayNode out = Json.MAPPER.createArrayNode();
                boolean started = before == null;
                for (Landed l : newestFirst) {
                    if (!started) {
                        if (l.signature.equals(before)) started = true;
                        continue;
                    }
                    if (l.signature.equals(until)) break;
                    if (!l.addresses.contains(addr) || !visible(l, c)) continue;
                    ObjectNode e = out.addObject().put("signature", l.signature).put("slot", l.slot).put("blockTime", 1_764_900_000L + l.slot)
                            .putNull("memo").put("confirmationStatus", notFinal.contains(l.signature) ? "confirmed" : "finalized");
                    if (l.failed) e.set("err", l.json.path("meta").path("err"));
                    else e.putNull("err");
                    if (out.size() >= limit) break;
                }
                return out;
            }
            default -> throw new IllegalArgumentException("Method not found");
        }
    }

    /** Refuses WebSocket upgrades while {@link #refuse}. */
    private final class Gate extends SimpleChannelInboundHandler<FullHttpRequest> {
        Gate() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            if (refuse && "websocket".equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE))) {
                req.release();
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SERVICE_UNAVAILABLE))
                        .addListener(f -> ctx.close());
                return;
            }
            ctx.fireChannelRead(req);
        }
    }

    private final class Http extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            String body = req.content().toString(StandardCharsets.UTF_8);
            HttpResponseStatus status = HttpResponseStatus.OK;
            JsonNode out;
            try {
                JsonNode r = Json.MAPPER.readTree(body);
                if (failCalls.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
                    out = Json.object().put("jsonrpc", "2.0");
                } else if (r.isArray()) { // a JSON-RPC 2.0 batch: one answer per request
                    calls.computeIfAbsent("batch", k -> new AtomicInteger()).incrementAndGet();
                    ArrayNode all = Json.MAPPER.createArrayNode();
                    for (JsonNode one : r) all.add(answer(one));
                    out = all;
                } else {
                    out = answer(r);
                }
            } catch (Exception e) {
                ObjectNode err = Json.object().put("jsonrpc", "2.0");
                err.putObject("error").put("code", -32700).put("message", String.valueOf(e.getMessage()));
                out = err;
            }
            var resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(out.toString(), StandardCharsets.UTF_8));
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json").setInt(HttpHeaderNames.CONTENT_LENGTH, resp.content().readableBytes());
            ctx.writeAndFlush(resp);
        }
    }

    private ObjectNode answer(JsonNode r) {
        ObjectNode answer = Json.object().put("jsonrpc", "2.0");
        answer.set("id", r.path("id"));
        try {
            answer.set("result", rpc(r.path("method").asText(), r.path("params")));
        } catch (Exception e) {
            answer.putObject("error").put("code", -32601).put("message", String.valueOf(e.getMessage()));
        }
        return answer;
    }

    private final class Ws extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                sockets.add(ctx.channel());
                ctx.channel().closeFuture().addListener(f -> {
                    sockets.remove(ctx.channel());
                    subs.values().removeIf(s -> s.channel == ctx.channel());
                });
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) throws Exception {
            JsonNode r = Json.MAPPER.readTree(frame.text());
            String method = r.path("method").asText();
            JsonNode p = r.path("params");
            ObjectNode answer = Json.object().put("jsonrpc", "2.0");
            answer.set("id", r.path("id"));
            if (method.endsWith("Unsubscribe")) {
                answer.put("result", subs.remove(p.path(0).asLong()) != null);
            } else {
                String kind = switch (method) {
                    case "logsSubscribe" -> "logs";
                    case "accountSubscribe" -> "account";
                    case "slotSubscribe" -> "slot";
                    case "signatureSubscribe" -> "signature";
                    default -> null;
                };
                if (kind == null) {
                    answer.putObject("error").put("code", -32601).put("message", "Method not found");
                } else {
                    String key = switch (kind) {
                        case "logs" -> p.path(0).path("mentions").path(0).asText();
                        case "account", "signature" -> p.path(0).asText();
                        default -> "";
                    };
                    long id = subIds.incrementAndGet();
                    String commitment = (kind.equals("logs") || kind.equals("account") || kind.equals("signature"))
                            ? p.path(1).path("commitment").asText("finalized") : "finalized";
                    subs.put(id, new Sub(id, kind, key, commitment, ctx.channel()));
                    answer.put("result", id);
                }
            }
            ctx.writeAndFlush(new TextWebSocketFrame(answer.toString()));
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
    }
}
