package io.hubbub.chain;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.fakesolana.FakeTx;
import io.hubbub.chain.listen.Delivery;
import io.hubbub.chain.listen.TxMessages;
import io.hubbub.chain.rpc.ChainTx;
import io.hubbub.chain.rpc.Instructions;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Base58, Ed25519 wallet proofs, transaction parsing from balances (not logs), and the typed messages. */
class ParsingTest {

    @Test
    void base58RoundTripsAndRecognisesAddressesAndSignatures() {
        byte[] b = {0, 0, 1, 2, (byte) 255};
        assertThat(Base58.decode(Base58.encode(b))).isEqualTo(b);
        assertThat(Base58.encode(new byte[32])).isEqualTo("11111111111111111111111111111111");
        assertThat(Base58.isAddress(FakeTx.SYSTEM)).isTrue();
        assertThat(Base58.isAddress(FakeTx.TOKEN_PROGRAM)).isTrue();
        assertThat(Base58.isSignature(FakeTx.signature())).isTrue();
        assertThat(Base58.isAddress("0OIl")).isFalse();
    }

    @Test
    void walletProofsVerifyOnlyTheExactMessageWithTheWalletsKey() {
        FakeTx.Wallet w = FakeTx.wallet(), other = FakeTx.wallet();
        String m = WalletSignatures.message("ann", w.address(), "n1");
        assertThat(WalletSignatures.verify(w.address(), m, w.sign(m))).isTrue();
        assertThat(WalletSignatures.verify(w.address(), m, other.sign(m))).isFalse();
        assertThat(WalletSignatures.verify(w.address(), WalletSignatures.message("bob", w.address(), "n1"), w.sign(m))).isFalse();
        assertThat(WalletSignatures.verify(w.address(), m, "garbage")).isFalse();
        assertThat(WalletSignatures.verify("short", m, w.sign(m))).isFalse();
    }

    @Test
    void transfersComeFromBalancesSoTruncatedLogsLoseNothing() {
        String from = FakeTx.address(), to = FakeTx.address(), mint = FakeTx.address(), program = FakeTx.address();
        FakeTx.Builder b = FakeTx.tx().sol(from, to, 700).token(from, to, mint, 42).program(program).truncatedLogs();
        ChainTx tx = ChainTx.parse(b.signature(), b.json(5));
        assertThat(tx.signers()).containsExactly(from);
        assertThat(tx.received(to, null)).isEqualTo(BigInteger.valueOf(700));
        assertThat(tx.received(to, mint)).isEqualTo(BigInteger.valueOf(42));
        assertThat(tx.received(from, null)).isEqualTo(BigInteger.ZERO);
        assertThat(tx.logsTruncated()).isTrue();
        assertThat(tx.transfers()).extracting(ChainTx.Transfer::from).containsOnly(from);

        TxMessages m = new TxMessages("transactions", Map.of(), List.of(program));
        List<Delivery> out = m.of(tx, "finalized", Map.of(to, "bob"));
        assertThat(out).filteredOn(d -> d instanceof Delivery.ToUser u && u.type().equals("Notification")).hasSize(2);
        JsonNode json = Delivery.toJson(out);
        assertThat(Delivery.fromJson(json)).isEqualTo(out);
    }

    @Test
    void systemAndSplTokenTransferInstructionsAreDecodedTopLevelAndInner() {
        String from = FakeTx.address(), to = FakeTx.address(), mint = FakeTx.address(), other = FakeTx.address();
        FakeTx.Builder b = FakeTx.tx().sol(from, to, 700).token(from, to, mint, 42).tokenChecked(from, other, mint, 9_000_000_000L, 6).asInner();
        ChainTx tx = ChainTx.parse(b.signature(), b.json(5));
        List<Instructions.Decoded> ix = tx.instructions();
        assertThat(ix).hasSize(3);
        assertThat(ix.get(0)).isEqualTo(new Instructions.Decoded(Instructions.SYSTEM_PROGRAM, "transfer", from, to, from, null,
                BigInteger.valueOf(700), -1, false));
        assertThat(ix.get(1).program()).isEqualTo(Instructions.TOKEN_PROGRAM);
        assertThat(ix.get(1).type()).isEqualTo("transfer");
        assertThat(ix.get(1).authority()).isEqualTo(from);
        assertThat(ix.get(1).amount()).isEqualTo(BigInteger.valueOf(42));
        assertThat(ix.get(1).source()).isNotEqualTo(from).as("token accounts, not owners");
        assertThat(ix.get(2)).extracting(Instructions.Decoded::type, Instructions.Decoded::mint, Instructions.Decoded::amount,
                Instructions.Decoded::decimals, Instructions.Decoded::inner).containsExactly("transferChecked", mint,
                BigInteger.valueOf(9_000_000_000L), 6, true);

        // in the TransactionUpdate; a u64 above Long.MAX_VALUE, bad data and a bad index are handled
        JsonNode update = ((Delivery.ToTopic) new TxMessages("transactions", Map.of(), List.of()).of(tx, "finalized", Map.of()).getFirst()).data();
        assertThat(update.at("/instructions/2/mint").asText()).isEqualTo(mint);
        assertThat(update.at("/instructions/0/amount").asText()).isEqualTo("700");
        com.fasterxml.jackson.databind.node.ObjectNode raw = b.json(6);
        var top = (com.fasterxml.jackson.databind.node.ArrayNode) raw.at("/transaction/message/instructions");
        byte[] huge = {3, -1, -1, -1, -1, -1, -1, -1, -1};
        ((com.fasterxml.jackson.databind.node.ObjectNode) top.get(1)).put("data", Base58.encode(huge));
        ((com.fasterxml.jackson.databind.node.ObjectNode) top.get(0)).put("data", "0OIl");
        top.addObject().put("programIdIndex", 99).putArray("accounts");
        List<Instructions.Decoded> odd = ChainTx.parse(b.signature(), raw).instructions();
        assertThat(odd).hasSize(2);
        assertThat(odd.getFirst().amount()).isEqualTo(new BigInteger("18446744073709551615"));
    }

    @Test
    void logTopicsAreFilledFromTheMessageAndMustStayValidTopics() {
        TxMessages m = new TxMessages("", Map.of("MarketData", "market-data.{token_id}"), List.of());
        assertThat(m.fromLogsForTest("Program log: MarketData {\"token_id\":\"abc\",\"price\":\"1\"}")).extracting(Delivery::type).containsExactly("MarketData");
        assertThat(m.fromLogsForTest("Program log: MarketData {\"price\":\"1\"}")).as("missing field").isEmpty();
        assertThat(m.fromLogsForTest("Program log: MarketData {\"token_id\":\"a b\"}")).as("not a topic").isEmpty();
        assertThat(m.fromLogsForTest("Program log: MarketData [1]")).isEmpty();
    }
}
