package io.hubbub.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.chain.rank.RankingRules;
import io.hubbub.chain.rpc.ChainTx;
import io.hubbub.chain.rpc.SolanaRpc;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;

import java.math.BigInteger;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Verifies a submitted payment and scores it (blocking: call off the event loop). The checks, in
 * order, each with its own error code: the room takes payments ({@code not_found}); the signature was
 * not used ({@code tx_already_used}); the node has it at the room's commitment ({@code tx_not_found},
 * {@code tx_not_confirmed}); it succeeded ({@code tx_failed}); a wallet linked to the caller signed it
 * ({@code tx_wrong_signer}); the recipient received the right asset ({@code tx_wrong_recipient},
 * {@code tx_wrong_asset}) at least the minimum ({@code tx_amount_too_low}). The payment and its score
 * are stored in one database transaction keyed by the signature, so a retry or a concurrent second
 * submit (on any node) gets {@code tx_already_used} and nothing is counted twice. A transaction the
 * node knows but not yet at the commitment is awaited ({@link PaymentWaits}) and its outcome pushed.
 */
public final class Payments {
    private final ChainStore store;
    private final SolanaRpc rpc;
    private final Leaderboards boards;
    private final Clock clock;
    private final PaymentWaits waits;
    private final BiConsumer<String, ObjectNode> push;

    /**
     * @param waits null: no waiting (a submit not yet at the commitment is answered tx_not_confirmed)
     * @param push  sends {@code chain:tx:result} to all connections of a user
     */
    public Payments(ChainStore store, SolanaRpc rpc, Leaderboards boards, Clock clock, PaymentWaits waits, BiConsumer<String, ObjectNode> push) {
        this.store = store;
        this.rpc = rpc;
        this.boards = boards;
        this.clock = clock;
        this.waits = waits;
        this.push = push;
        if (waits != null) waits.settler(this::settle);
    }

    private static HubbubException fail(ErrorCode code, String message) {
        return new HubbubException(code, message);
    }

    /**
     * Verifies and scores a submit. A transaction the node knows but not yet at the room's commitment is
     * awaited ({@link PaymentWaits}): the answer is {@code {room, signature, status:"pending", expiresAt}}
     * and the outcome is pushed later as {@code chain:tx:result}; when the wait set is full (or waits are
     * off) it is {@code tx_not_confirmed} as before.
     */
    public ObjectNode submit(String userId, String room, String signature) {
        ChainStore.RoomRule rule = store.rule(room).orElseThrow(() -> HubbubException.notFound("room '" + room + "' takes no payments"));
        if (store.paymentExists(signature)) throw fail(ErrorCode.TX_ALREADY_USED, "this transaction was already used");
        if (!rpc.configured()) throw HubbubException.unavailable("no Solana RPC is configured");
        JsonNode raw;
        try {
            Optional<JsonNode> found = rpc.getTransaction(signature, rule.commitment());
            if (found.isEmpty()) {
                Optional<JsonNode> st = rpc.getSignatureStatus(signature);
                if (st.isPresent() && !st.get().hasNonNull("err")) {
                    PaymentWaits.Waiting w = waits == null ? null : waits.await(userId, room, signature, rule.commitment());
                    if (w != null) return Json.object().put("room", room).put("signature", signature).put("status", "pending")
                            .put("expiresAt", w.deadline());
                    throw fail(ErrorCode.TX_NOT_CONFIRMED, "the transaction is not " + rule.commitment() + " yet; retry later");
                }
                if (st.isPresent()) throw fail(ErrorCode.TX_FAILED, "the transaction failed on chain");
                throw fail(ErrorCode.TX_NOT_FOUND, "no transaction with this signature");
            }
            raw = found.get();
        } catch (SolanaRpc.RpcException e) {
            throw HubbubException.unavailable("the Solana RPC is unavailable; retry later");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HubbubException.unavailable("interrupted");
        }
        ObjectNode out = count(userId, rule, signature, raw);
        if (waits != null) waits.forget(signature);
        return out;
    }

    /**
     * Settles an awaited submit (blocking; {@link PaymentWaits.Settler}): what {@code getTransaction}
     * returns at the room's commitment counts, not the notification. Pushes {@code chain:tx:result} to
     * the user's connections: {@code counted} (the submit reply's fields), {@code failed} ({@code code}
     * of the failed check), or on the last check {@code expired} ({@code tx_not_confirmed}). Returns
     * false (keep waiting) while the node does not have it at the commitment and time remains. A
     * signature used meanwhile (a resubmit counted it) ends the wait silently.
     */
    public boolean settle(PaymentWaits.Waiting w, boolean last) {
        ObjectNode result = Json.object().put("room", w.room()).put("signature", w.signature());
        try {
            ChainStore.RoomRule rule = store.rule(w.room()).orElseThrow(() -> HubbubException.notFound("room '" + w.room() + "' takes no payments"));
            if (store.paymentExists(w.signature())) return true;
            Optional<JsonNode> found;
            try {
                found = rpc.getTransaction(w.signature(), rule.commitment());
                if (found.isEmpty()) {
                    if (!last) return false;
                    Optional<JsonNode> st = rpc.getSignatureStatus(w.signature());
                    if (st.isPresent() && st.get().hasNonNull("err")) throw fail(ErrorCode.TX_FAILED, "the transaction failed on chain");
                    result.put("status", "expired").put("code", ErrorCode.TX_NOT_CONFIRMED.wire())
                            .put("message", "not " + rule.commitment() + " within the wait; submit again later");
                    push.accept(w.user(), result);
                    return true;
                }
            } catch (SolanaRpc.RpcException e) {
                if (!last) return false;
                result.put("status", "expired").put("code", ErrorCode.TX_NOT_CONFIRMED.wire())
                        .put("message", "the Solana RPC was unavailable; submit again later");
                push.accept(w.user(), result);
                return true;
            }
            ObjectNode counted = count(w.user(), rule, w.signature(), found.get());
            counted.put("status", "counted");
            push.accept(w.user(), counted);
            return true;
        } catch (HubbubException e) {
            if (e.code() == ErrorCode.TX_ALREADY_USED) return true;
            result.put("status", "failed").put("code", e.code().wire()).put("message", e.getMessage());
            push.accept(w.user(), result);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The checks after the node returned the transaction at the commitment, then the payment and its score in one database transaction. */
    private ObjectNode count(String userId, ChainStore.RoomRule rule, String signature, JsonNode raw) {
        String room = rule.room();
        ChainTx tx;
        try {
            tx = ChainTx.parse(signature, raw);
        } catch (RuntimeException e) {
            throw fail(ErrorCode.TX_NOT_FOUND, "the node returned no readable transaction");
        }
        if (tx.failed()) throw fail(ErrorCode.TX_FAILED, "the transaction failed on chain");
        List<String> wallets = store.wallets(userId);
        if (tx.signers().stream().noneMatch(wallets::contains))
            throw fail(ErrorCode.TX_WRONG_SIGNER, "none of your linked wallets signed this transaction");
        BigInteger got = tx.received(rule.recipient(), rule.mint());
        if (got.signum() <= 0) {
            if (tx.receivedAnything(rule.recipient()))
                throw fail(ErrorCode.TX_WRONG_ASSET, "the recipient was paid in another asset than " + asset(rule));
            throw fail(ErrorCode.TX_WRONG_RECIPIENT, "the transaction pays nothing to " + rule.recipient());
        }
        if (got.compareTo(BigInteger.valueOf(rule.minAmount())) < 0)
            throw fail(ErrorCode.TX_AMOUNT_TOO_LOW, "paid " + got + ", the minimum is " + rule.minAmount() + " " + asset(rule));
        long amount = got.min(BigInteger.valueOf(Long.MAX_VALUE)).longValue();
        long value = switch (rule.scoreRule()) {
            case "amount" -> amount;
            case "count" -> 1;
            default -> rule.points();
        };
        String period = boards.period(rule);
        RankingRules.Applied applied;
        boolean[] ranked = {false};
        try {
            applied = store.recordPayment(signature, userId, rule, amount, tx.slot(), rule.commitment(), period, value, clock.millis(),
                    (before, after) -> {
                        boards.scored(room, period, before, after); // in the transaction: per user in commit order
                        ranked[0] = true;
                    });
        } catch (ChainStore.AlreadyUsedException e) {
            throw fail(ErrorCode.TX_ALREADY_USED, "this transaction was already used");
        } catch (RuntimeException e) {
            if (ranked[0]) boards.rebuildAll(true); // the engine has a score the database rolled back
            throw e;
        }
        boards.changed(room);
        long rank = boards.rankOf(room, period, new RankingRules.Entry(userId, applied.score(), applied.reachedAt()));
        return Json.object().put("room", room).put("signature", signature).put("status", "counted").put("amount", amount).put("slot", tx.slot())
                .put("period", period).put("score", applied.score()).put("rank", rank);
    }

    private static String asset(ChainStore.RoomRule r) {
        return r.mint() == null ? "SOL" : r.mint();
    }
}
