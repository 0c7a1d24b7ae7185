package io.hubbub.chain;

import io.hubbub.core.config.Checks;
import io.hubbub.core.config.Doc;
import io.hubbub.core.feature.FeatureSettings;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@code features.chain}: the Solana listener, wallet linking, payments and leaderboards, the seed 002 adapter. */
public record ChainSettings(
        @Doc("Serve chain events, wallets, payments, leaderboards, /api/ws/* and the seed 002 adapter.") boolean enabled,
        @Doc("Solana JSON-RPC HTTP URLs, tried in order (fail-over); empty: no listener and no payment checks.") List<String> rpcUrls,
        @Doc("Solana RPC WebSocket URLs, tried in order on reconnects; empty: poll only.") List<String> wsUrls,
        @Doc("Commitment at which transactions count: confirmed or finalized.") String commitment,
        @Doc("Program ids to watch (one logsSubscribe with mentions per program) and to read logs of.") List<String> programs,
        @Doc("Accounts to watch (accountSubscribe; their transactions are fetched by backfill).") List<String> accounts,
        @Doc("WebSocket keep-alive ping interval.") Duration pingInterval,
        @Doc("Reconnect when nothing (notification, pong) arrived for this long.") Duration silenceTimeout,
        @Doc("First reconnect delay; doubles per failure, with jitter.") Duration reconnectMin,
        @Doc("Longest reconnect delay.") Duration reconnectMax,
        @Doc("Backfill pass interval (getSignaturesForAddress since the durable cursor); also the poll interval while the WebSocket is down.") Duration pollInterval,
        @Doc("Timeout of one RPC HTTP call.") Duration rpcTimeout,
        @Doc("A notified signature still not found at the commitment after this long is reported as dropped (a fork) and never counted.") Duration dropAfter,
        @Doc("Lease of the single active listener in a cluster; another node takes over within about this long after the leader dies.") Duration leaseTtl,
        @Doc("Signatures per getSignaturesForAddress page (1..1000).") int backfillPageSize,
        @Doc("Most signatures waiting to be fetched; more are left to the next backfill pass.") int maxPending,
        @Doc("After a notification, how long the listener waits for more before fetching (up to 64 signatures in one getTransaction batch and one database transaction): adds at most this much latency, and cuts the per-event RPC and database cost when notifications come in bursts or at high rates. 0: fetch at once.") Duration liveBatchWait,
        @Doc("Typed messages from program logs: message type -> topic ('{field}' is replaced by that field of the message). A log line 'Program log: <Type> <json object>' of a watched program emits it.") Map<String, String> logTopics,
        @Doc("Topic of every processed transaction (TransactionUpdate); empty for none.") String transactionsTopic,
        @Doc("WebSocket path of the seed 002 adapter (/ws is Hubbub's own protocol).") String adapterPath,
        @Doc("rankings:update is pushed at most once per this interval per room (batched).") Duration rankingsBatch,
        @Doc("How long a wallet-link nonce is valid.") Duration nonceTtl,
        @Doc("A submitted payment the node knows but not yet at the room's commitment is awaited this long (signatureSubscribe, checked with getTransaction), then reported as not confirmed.") Duration paymentWait,
        @Doc("Most submitted payments awaited at once on this node; a submit beyond it is answered tx_not_confirmed (retry later).") int maxPaymentWaits)
        implements FeatureSettings {

    public static ChainSettings defaults() {
        return new ChainSettings(true, List.of(), List.of(), "finalized", List.of(), List.of(),
                Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMillis(500), Duration.ofSeconds(30),
                Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(90), Duration.ofSeconds(6),
                1000, 10_000, Duration.ofMillis(5),
                Map.of("TokenCreated", "token_updates", "TokenPriceUpdate", "token_updates", "MarketData", "market-data.{token_id}"),
                "transactions", "/ws/seed002", Duration.ofMillis(250), Duration.ofMinutes(5), Duration.ofSeconds(90), 1000);
    }

    @Override
    public void validate(Checks c, String prefix) {
        c.require(commitment.equals("confirmed") || commitment.equals("finalized"), prefix + "commitment", "must be confirmed or finalized");
        for (String u : rpcUrls) c.require(u.startsWith("http://") || u.startsWith("https://"), prefix + "rpcUrls", "must be http(s) URLs");
        for (String u : wsUrls) c.require(u.startsWith("ws://") || u.startsWith("wss://"), prefix + "wsUrls", "must be ws(s) URLs");
        for (String p : programs) c.require(Base58.isAddress(p), prefix + "programs", "'" + p + "' is not a base58 address");
        for (String a : accounts) c.require(Base58.isAddress(a), prefix + "accounts", "'" + a + "' is not a base58 address");
        c.require(!wsUrls.isEmpty() ? !rpcUrls.isEmpty() : true, prefix + "rpcUrls", "are required when wsUrls are set");
        c.positive(prefix + "pingInterval", pingInterval);
        c.positive(prefix + "silenceTimeout", silenceTimeout);
        c.positive(prefix + "reconnectMin", reconnectMin);
        c.positive(prefix + "reconnectMax", reconnectMax);
        c.positive(prefix + "pollInterval", pollInterval);
        c.positive(prefix + "rpcTimeout", rpcTimeout);
        c.positive(prefix + "dropAfter", dropAfter);
        c.positive(prefix + "leaseTtl", leaseTtl);
        c.positive(prefix + "rankingsBatch", rankingsBatch);
        c.positive(prefix + "nonceTtl", nonceTtl);
        c.positive(prefix + "paymentWait", paymentWait);
        c.range(prefix + "maxPaymentWaits", maxPaymentWaits, 0, 100_000);
        c.range(prefix + "backfillPageSize", backfillPageSize, 1, 1000);
        c.range(prefix + "maxPending", maxPending, 1, 1_000_000);
        c.require(!liveBatchWait.isNegative() && liveBatchWait.compareTo(java.time.Duration.ofSeconds(5)) <= 0, prefix + "liveBatchWait", "must be 0..5s");
        c.require(adapterPath.startsWith("/") && !adapterPath.equals("/ws"), prefix + "adapterPath", "must be a path other than /ws");
    }

    /** True when a listener should run (an RPC endpoint and something to watch). */
    public boolean listens() {
        return !rpcUrls.isEmpty() && (!programs.isEmpty() || !accounts.isEmpty());
    }
}
