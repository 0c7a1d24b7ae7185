package io.hubbub.chain.rpc;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A transaction as {@code getTransaction} (json encoding) reports it, reduced to what counts: who
 * signed, whose balances changed by how much (SOL in lamports with the fee given back to the payer,
 * SPL tokens per owner and mint in base units, from {@code meta.pre/postTokenBalances}), and its logs.
 * The balances, not the logs, are the truth for transfers: logs may be truncated.
 *
 * @param changes      non-zero balance changes; {@code mint} null for SOL
 * @param instructions the decoded System/SPL Token transfer instructions ({@link Instructions}): how it moved, not what counts
 */
public record ChainTx(String signature, long slot, Long blockTime, boolean failed, List<String> signers,
                      List<String> accounts, List<BalanceChange> changes, List<String> logs, boolean logsTruncated,
                      List<Instructions.Decoded> instructions) {

    public record BalanceChange(String owner, String mint, BigInteger delta) {}

    /** A transfer as the seed's clients see it: one receiver, the (first) sender of the same asset. */
    public record Transfer(String mint, String from, String to, BigInteger amount) {}

    /** Parses a {@code getTransaction} result; {@link IllegalArgumentException} when its shape is not one. */
    public static ChainTx parse(String signature, JsonNode r) {
        JsonNode meta = r.path("meta"), msg = r.path("transaction").path("message");
        if (!msg.path("accountKeys").isArray()) throw new IllegalArgumentException("not a transaction: no accountKeys");
        List<String> keys = new ArrayList<>();
        for (JsonNode k : msg.path("accountKeys")) keys.add(k.isTextual() ? k.asText() : k.path("pubkey").asText());
        for (JsonNode k : meta.path("loadedAddresses").path("writable")) keys.add(k.asText());
        for (JsonNode k : meta.path("loadedAddresses").path("readonly")) keys.add(k.asText());
        int nsig = msg.path("header").path("numRequiredSignatures").asInt(1);
        List<String> signers = List.copyOf(keys.subList(0, Math.min(nsig, keys.size())));

        Map<String, BigInteger> deltas = new LinkedHashMap<>(); // owner|mint -> delta
        JsonNode pre = meta.path("preBalances"), post = meta.path("postBalances");
        for (int i = 0; i < keys.size() && i < pre.size() && i < post.size(); i++) {
            BigInteger d = BigInteger.valueOf(post.get(i).asLong() - pre.get(i).asLong());
            if (i == 0) d = d.add(BigInteger.valueOf(meta.path("fee").asLong())); // the fee is not a transfer
            deltas.merge(keys.get(i) + "|", d, BigInteger::add);
        }
        token(meta.path("preTokenBalances"), keys, deltas, -1);
        token(meta.path("postTokenBalances"), keys, deltas, 1);
        List<BalanceChange> changes = new ArrayList<>();
        deltas.forEach((k, d) -> {
            if (d.signum() == 0) return;
            int bar = k.indexOf('|');
            String mint = k.substring(bar + 1);
            changes.add(new BalanceChange(k.substring(0, bar), mint.isEmpty() ? null : mint, d));
        });
        List<String> logs = new ArrayList<>();
        for (JsonNode l : meta.path("logMessages")) logs.add(l.asText());
        boolean truncated = !logs.isEmpty() && logs.getLast().startsWith("Log truncated");
        Long blockTime = r.hasNonNull("blockTime") ? r.path("blockTime").asLong() : null;
        return new ChainTx(signature, r.path("slot").asLong(), blockTime, meta.hasNonNull("err"), signers,
                List.copyOf(keys), List.copyOf(changes), List.copyOf(logs), truncated, List.copyOf(Instructions.transfers(r, keys)));
    }

    private static void token(JsonNode balances, List<String> keys, Map<String, BigInteger> deltas, int sign) {
        for (JsonNode b : balances) {
            String owner = b.hasNonNull("owner") ? b.path("owner").asText() : keys.get(b.path("accountIndex").asInt());
            BigInteger amount = new BigInteger(b.path("uiTokenAmount").path("amount").asText("0"));
            deltas.merge(owner + "|" + b.path("mint").asText(), sign < 0 ? amount.negate() : amount, BigInteger::add);
        }
    }

    /** How much {@code owner} received of {@code mint} (null: SOL), or zero. */
    public BigInteger received(String owner, String mint) {
        BigInteger sum = BigInteger.ZERO;
        for (BalanceChange c : changes)
            if (c.owner().equals(owner) && Objects.equals(c.mint(), mint) && c.delta().signum() > 0) sum = sum.add(c.delta());
        return sum;
    }

    /** Whether {@code owner} received anything positive of any asset. */
    public boolean receivedAnything(String owner) {
        return changes.stream().anyMatch(c -> c.owner().equals(owner) && c.delta().signum() > 0);
    }

    /** Transfers: every receiver, paired with the first account that lost the same asset. */
    public List<Transfer> transfers() {
        List<Transfer> out = new ArrayList<>();
        for (BalanceChange in : changes) {
            if (in.delta().signum() <= 0) continue;
            String from = changes.stream().filter(c -> c.delta().signum() < 0 && Objects.equals(c.mint(), in.mint()))
                    .map(BalanceChange::owner).findFirst().orElse(null);
            out.add(new Transfer(in.mint(), from, in.owner(), in.delta()));
        }
        return out;
    }

    /** Every address the transaction touches: signers, accounts and balance owners. */
    public List<String> involved() {
        List<String> all = new ArrayList<>(accounts);
        for (BalanceChange c : changes) if (!all.contains(c.owner())) all.add(c.owner());
        return all;
    }
}
