package io.hubbub.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.chain.listen.ChainListener;
import io.hubbub.chain.listen.Delivery;
import io.hubbub.chain.listen.ListenerStatus;
import io.hubbub.chain.listen.TxMessages;
import io.hubbub.chain.rank.RankingRules;
import io.hubbub.chain.rpc.SolanaRpc;
import io.hubbub.chain.seed.Seed002Adapter;
import io.hubbub.core.api.HubbubApi;
import io.hubbub.core.engine.Leases;
import io.hubbub.core.engine.SortedSets;
import io.hubbub.core.engine.memory.MemoryLeases;
import io.hubbub.core.engine.memory.MemorySortedSets;
import io.hubbub.chain.rank.BoardIndex;
import io.hubbub.core.feature.Feature;
import io.hubbub.core.feature.FeatureContext;
import io.hubbub.core.feature.http.Access;
import io.hubbub.core.feature.http.RouteResult;
import io.hubbub.core.messaging.MessagingService;
import io.hubbub.core.api.NodeIdentity;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.protocol.Payloads;
import io.hubbub.core.session.Session;
import io.hubbub.store.Database;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Chain events (issue 13; seeds 000 and 002): the cluster's one Solana listener pushing typed messages
 * to topics and users, wallet linking by Ed25519 signature, verified payments moving room leaderboards,
 * and seed 002's WebSocket format and REST routes. See docs/CHAIN.md.
 */
public final class ChainFeature implements Feature {
    private static final Logger log = LoggerFactory.getLogger(ChainFeature.class);
    static final String LEASE = "chain-listener";
    private static final String ROOM = "[A-Za-z0-9_.:-]{1,64}";
    private static final String B58 = "[1-9A-HJ-NP-Za-km-z]{32,100}";

    public record Submit(@NotNull @Pattern(regexp = ROOM) String room, @NotNull @Pattern(regexp = B58) String signature) {}

    public record Board(@NotNull @Pattern(regexp = ROOM) String room, @Min(1) @Max(100) Integer limit, @Min(0) @Max(50) Integer around,
                        @Pattern(regexp = "[0-9A-Za-z-]{1,16}") String period) {}

    public record NonceRequest(@NotNull @Pattern(regexp = B58) String address) {}

    public record Link(@NotNull @Pattern(regexp = B58) String address, @NotNull @Pattern(regexp = "[0-9a-f]{32}") String nonce,
                       @NotNull @Pattern(regexp = B58) String signature) {}

    public record Rule(@NotNull @Pattern(regexp = B58) String recipient, @Pattern(regexp = B58) String mint,
                       @NotNull @PositiveOrZero Long minAmount, @NotNull @Pattern(regexp = "amount|count|fixed") String scoreRule,
                       @PositiveOrZero Long points, @Pattern(regexp = "increment|best|set") String operator,
                       @Pattern(regexp = "never|daily|weekly|monthly") String reset, @Pattern(regexp = "confirmed|finalized") String commitment) {}

    public record PaymentBody(@NotNull @Pattern(regexp = B58) String signature) {}

    public record Broadcast(@NotNull @Pattern(regexp = "[A-Za-z][A-Za-z0-9_]{0,63}") String type, @NotNull JsonNode data,
                            @Pattern(regexp = "[A-Za-z0-9_.:-]{1,128}") String topic, @Pattern(regexp = "[A-Za-z0-9_.@:-]{1,64}") String user_id) {}

    @Override public String name() { return "chain"; }

    @Override public String description() { return "Chain events: Solana listener, wallets, verified payments, leaderboards, seed 002 adapter."; }

    @Override public ChainSettings defaults() { return ChainSettings.defaults(); }

    @Override public String migrations() { return "db/chain"; }

    @Override
    public void install(FeatureContext ctx) {
        ChainSettings s = ctx.config(ChainSettings.class);
        HubbubApi api = ctx.api();
        ChainStore store = new ChainStore(ctx.service(Database.class).orElseThrow());
        SolanaRpc rpc = new SolanaRpc(s.rpcUrls(), s.rpcTimeout(), ctx.metrics(), ctx.metricName("rpc.errors"), ctx.metricName("rpc.latency"));
        SortedSets sortedSets = ctx.service(SortedSets.class).orElseGet(MemorySortedSets::new);
        Leaderboards boards = new Leaderboards(store, new BoardIndex(sortedSets), api, ctx.clock(), ctx.blocking(), ctx.scheduler(),
                s.rankingsBatch());
        ctx.onStart(() -> ctx.blocking().execute(() -> boards.rebuildAll(false)));
        PaymentWaits waits = s.maxPaymentWaits() > 0 && rpc.configured() ? new PaymentWaits(s, rpc, ctx.blocking(), ctx.clock()) : null;
        Payments payments = new Payments(store, rpc, boards, ctx.clock(), waits,
                (user, result) -> api.messaging().sendToUser(user, "chain:tx:result", result));
        String nodeId = ctx.service(NodeIdentity.class).map(NodeIdentity::nodeId).orElse("node");
        Leader leader = new Leader(ctx, s, store, rpc, nodeId, () -> boards.rebuildAll(true));

        api.on("chain:tx:submit", c -> {
            Submit in = Payloads.bind(c.payload(), Submit.class);
            if (!c.session().inRoom(in.room())) throw HubbubException.notFound("not in room '" + in.room() + "'");
            String user = c.principal().userId();
            return CompletableFuture.supplyAsync(() -> payments.submit(user, in.room(), in.signature()), ctx.blocking());
        });
        api.on("chain:leaderboard", c -> {
            Board in = Payloads.bind(c.payload(), Board.class);
            String user = c.principal().userId();
            return CompletableFuture.supplyAsync(() -> board(store, boards, in, user), ctx.blocking());
        });

        ctx.route("POST", "/api/chain/wallets/nonce", Access.USER, req -> {
            NonceRequest in = req.body(NonceRequest.class);
            byte[] b = new byte[16];
            new SecureRandom().nextBytes(b);
            String nonce = HexFormat.of().formatHex(b);
            long expires = ctx.clock().millis() + s.nonceTtl().toMillis();
            store.createNonce(nonce, req.principal().userId(), expires, ctx.clock().millis());
            return RouteResult.ok(Json.object().put("nonce", nonce).put("expiresAt", expires)
                    .put("message", WalletSignatures.message(req.principal().userId(), in.address(), nonce)));
        });
        ctx.route("POST", "/api/chain/wallets", Access.USER, req -> {
            Link in = req.body(Link.class);
            String user = req.principal().userId();
            if (!store.consumeNonce(in.nonce(), user, ctx.clock().millis()))
                throw new HubbubException(io.hubbub.core.protocol.ErrorCode.NONCE_INVALID, "unknown, used or expired nonce");
            if (!WalletSignatures.verify(in.address(), WalletSignatures.message(user, in.address(), in.nonce()), in.signature()))
                throw new HubbubException(io.hubbub.core.protocol.ErrorCode.WALLET_SIGNATURE_INVALID, "the signature does not verify for this wallet");
            if (!store.linkWallet(in.address(), user, ctx.clock().millis())) throw new HubbubException(io.hubbub.core.protocol.ErrorCode.CONFLICT, "the wallet is linked to another user");
            return RouteResult.created(Json.object().put("address", in.address()).put("user", user));
        });
        ctx.route("GET", "/api/chain/wallets", Access.USER, req -> RouteResult.ok(Map.of("wallets", store.wallets(req.principal().userId()))));
        ctx.route("DELETE", "/api/chain/wallets/{address}", Access.USER, req -> {
            if (!store.unlinkWallet(req.param("address"), req.principal().userId())) throw HubbubException.notFound("not one of your wallets");
            return RouteResult.noContent();
        });
        ctx.route("PUT", "/api/chain/rooms/{room}/payment", Access.ADMIN, req -> {
            String room = req.param("room");
            if (!room.matches(ROOM)) throw HubbubException.badRequest("bad room id");
            Rule r = req.body(Rule.class);
            ChainStore.RoomRule rule = new ChainStore.RoomRule(room, r.recipient(), r.mint(), r.minAmount(), r.scoreRule(),
                    r.points() == null ? 1 : r.points(), r.operator() == null ? "increment" : r.operator(),
                    r.reset() == null ? "never" : r.reset(), r.commitment() == null ? s.commitment() : r.commitment());
            store.putRule(rule);
            return RouteResult.ok(Json.MAPPER.valueToTree(rule));
        });
        ctx.route("POST", "/api/chain/rooms/{room}/payments", Access.USER, req -> {
            PaymentBody b = req.body(PaymentBody.class);
            return RouteResult.ok(payments.submit(req.principal().userId(), req.param("room"), b.signature()));
        });
        ctx.route("GET", "/api/chain/rooms/{room}/leaderboard", Access.USER, req -> {
            Board in = Payloads.validate(new Board(req.param("room"), intOrNull(req.query("limit")), intOrNull(req.query("around")),
                    req.query("period")));
            return RouteResult.ok(board(store, boards, in, req.principal().userId()));
        });
        ctx.route("GET", "/api/chain/status", Access.NONE, req -> RouteResult.ok(leader.statusJson().put("paymentWaits", waits == null ? 0 : waits.size())));
        ctx.status(() -> Json.MAPPER.valueToTree(leader.status())); // /stats and /ready (no database call)

        ctx.adapter(s.adapterPath(), new Seed002Adapter());
        ctx.route("GET", "/api/ws/connections", Access.ADMIN, req -> {
            int subscriptions = 0;
            for (Session x : api.sessions()) subscriptions += x.topics().size();
            return RouteResult.ok(Json.object().put("total_connections", api.connectionCount()).put("active_users", api.userCount())
                    .put("subscriptions", subscriptions).put("server_id", nodeId));
        });
        ctx.route("POST", "/api/ws/broadcast", Access.API_KEY, req -> {
            Broadcast b = req.body(Broadcast.class);
            if (b.user_id() != null) {
                ObjectNode m = Json.object().put("type", b.type());
                m.set("data", b.data());
                api.messaging().publishToUser(b.user_id(), "chain:message", m, MessagingService.SERVER).get(5, TimeUnit.SECONDS);
            } else {
                api.messaging().publishToTopic(b.topic() == null ? Seed002Adapter.BROADCAST_TOPIC : b.topic(), b.type(), b.data())
                        .get(5, TimeUnit.SECONDS);
            }
            return RouteResult.ok(Json.object().put("sent", true));
        });

        if (waits != null) {
            ctx.onStart(() -> {
                waits.start();
                ctx.scheduler().scheduleWithFixedDelay(() -> ctx.blocking().execute(waits::tick), 200, 200, TimeUnit.MILLISECONDS);
            });
            ctx.onStop(waits::stop);
        }
        if (s.listens()) {
            ctx.onStart(leader::start);
            ctx.onDrain(leader::stop);
            ctx.onStop(leader::stop);
        }
    }

    private static Integer intOrNull(String v) {
        if (v == null) return null;
        try {
            return Integer.valueOf(v);
        } catch (NumberFormatException e) {
            throw HubbubException.badRequest("'" + v + "' is not a number");
        }
    }

    private static ObjectNode board(ChainStore store, Leaderboards boards, Board in, String user) {
        ChainStore.RoomRule rule = store.rule(in.room()).orElseThrow(() -> HubbubException.notFound("room '" + in.room() + "' has no leaderboard"));
        ObjectNode v = boards.view(rule, in.period(), in.limit() == null ? 10 : in.limit(), user, in.around() == null ? 0 : in.around());
        v.set("periods", Json.MAPPER.valueToTree(store.periods(in.room())));
        return v;
    }

    /**
     * Holds the listener lease: every third of {@code leaseTtl} it acquires (follower) or renews
     * (leader) on a blocking thread; the leader runs the {@link ChainListener} with its fencing token and
     * stops it as soon as a renewal fails or no renewal succeeded within the TTL (it may have lost the
     * lease). Its database writes are fenced besides, so a paused old leader cannot write after a newer one.
     */
    static final class Leader {
        private final FeatureContext ctx;
        private final ChainSettings s;
        private final ChainStore store;
        private final SolanaRpc rpc;
        private final Leases leases;
        private final String owner;
        private final TxMessages messages;
        private volatile ChainListener listener;
        private volatile long lastRenew;
        private volatile boolean stopped;

        private final Runnable onLead;

        /** @param onLead runs (blocking) each time this node becomes the leader: rebuilds the engine's rankings from the database */
        Leader(FeatureContext ctx, ChainSettings s, ChainStore store, SolanaRpc rpc, String nodeId, Runnable onLead) {
            this.onLead = onLead;
            this.ctx = ctx;
            this.s = s;
            this.store = store;
            this.rpc = rpc;
            this.leases = ctx.service(Leases.class).orElseGet(MemoryLeases::new);
            this.owner = nodeId + ":" + UUID.randomUUID().toString().substring(0, 8);
            this.messages = new TxMessages(s.transactionsTopic(), s.logTopics(), s.programs());
        }

        void start() {
            long every = Math.max(100, s.leaseTtl().toMillis() / 3);
            ctx.scheduler().scheduleWithFixedDelay(() -> ctx.blocking().execute(this::tick), 0, every, TimeUnit.MILLISECONDS);
            long poll = s.pollInterval().toMillis();
            ctx.scheduler().scheduleWithFixedDelay(() -> {
                ChainListener l = listener;
                if (l != null) l.wantBackfill();
            }, poll, poll, TimeUnit.MILLISECONDS);
        }

        synchronized void stop() {
            stopped = true;
            ChainListener l = listener;
            listener = null;
            if (l != null) {
                l.stop();
                leases.release(LEASE, owner, l.token());
            }
        }

        private synchronized void tick() {
            if (stopped) return;
            ChainListener l = listener;
            long now = System.nanoTime();
            try {
                if (l != null && l.running()) {
                    if (leases.renew(LEASE, owner, l.token(), s.leaseTtl()).get(s.leaseTtl().toMillis(), TimeUnit.MILLISECONDS)) {
                        lastRenew = now;
                    } else {
                        log.warn("chain listener lease lost; stopping");
                        demote();
                    }
                    return;
                }
                if (l != null) demote(); // it stopped itself (fenced)
                OptionalLong token = leases.acquire(LEASE, owner, s.leaseTtl()).get(s.leaseTtl().toMillis(), TimeUnit.MILLISECONDS);
                if (token.isEmpty()) return;
                store.claimFence(token.getAsLong());
                lastRenew = now;
                ChainListener next = new ChainListener(s, rpc, store, messages, this::publish, ctx.clock(), token.getAsLong(),
                        ctx.metrics(), ctx::metricName);
                listener = next;
                log.info("chain listener: this node leads (fencing token {})", token.getAsLong());
                next.start();
                ctx.blocking().execute(onLead);
            } catch (ChainStore.FencedException e) {
                log.warn("chain listener: {}", e.getMessage());
                demote();
            } catch (Exception e) {
                log.warn("chain listener lease step failed: {}", e.toString());
                if (listener != null && now - lastRenew > s.leaseTtl().toNanos()) demote(); // may have lost it: stop
            }
        }

        private void demote() {
            ChainListener l = listener;
            listener = null;
            if (l != null) l.stop();
        }

        /** {@link Delivery.Publisher}: one transaction's messages issued in order, topic messages idempotent per signature. */
        private List<CompletableFuture<?>> publish(String signature, List<Delivery> out) {
            HubbubApi api = ctx.api();
            List<CompletableFuture<?>> issued = new java.util.ArrayList<>(out.size());
            for (int i = 0; i < out.size(); i++) {
                issued.add(switch (out.get(i)) {
                    case Delivery.ToTopic t -> api.messaging().publishToTopic(t.topic(), t.type(), t.data(), null,
                            Delivery.idempotencyKey(signature, i));
                    case Delivery.ToUser u -> {
                        ObjectNode m = Json.object().put("type", u.type());
                        m.set("data", u.data());
                        yield api.messaging().publishToUser(u.userId(), "chain:message", m, MessagingService.SERVER);
                    }
                });
            }
            return issued;
        }

        ListenerStatus status() {
            ChainListener l = listener;
            if (!s.listens()) return new ListenerStatus(false, false, false, -1, -1, false, 0, 0);
            return l == null ? new ListenerStatus(true, false, false, -1, -1, false, 0, 0) : l.status();
        }

        ObjectNode statusJson() {
            ObjectNode o = (ObjectNode) Json.MAPPER.valueToTree(status());
            o.put("processed", store.processedCount());
            return o;
        }
    }
}
