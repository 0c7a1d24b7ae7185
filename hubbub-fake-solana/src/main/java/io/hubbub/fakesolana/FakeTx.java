package io.hubbub.fakesolana;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds transactions in the shape Solana's {@code getTransaction} (json encoding, version 0) returns,
 * and test wallets with real Ed25519 keys.
 */
public final class FakeTx {
    public static final String SYSTEM = "11111111111111111111111111111111";
    public static final String TOKEN_PROGRAM = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";

    /** A wallet: its address (Base58 public key) and a signer of messages. */
    public record Wallet(String address, KeyPair keys) {
        public String sign(String message) {
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initSign(keys.getPrivate());
                s.update(message.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return Base58.encode(s.sign());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private FakeTx() {}

    /** Bitcoin-alphabet Base58, as Solana writes keys and signatures (this module depends on the core only). */
    static final class Base58 {
        private static final String ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
        private static final java.math.BigInteger BASE = java.math.BigInteger.valueOf(58);

        static String encode(byte[] data) {
            int zeros = 0;
            while (zeros < data.length && data[zeros] == 0) zeros++;
            StringBuilder sb = new StringBuilder();
            java.math.BigInteger n = new java.math.BigInteger(1, data);
            while (n.signum() > 0) {
                java.math.BigInteger[] qr = n.divideAndRemainder(BASE);
                sb.append(ALPHABET.charAt(qr[1].intValue()));
                n = qr[0];
            }
            sb.append("1".repeat(zeros));
            return sb.reverse().toString();
        }
    }

    public static Wallet wallet() {
        try {
            KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] der = kp.getPublic().getEncoded();
            return new Wallet(Base58.encode(Arrays.copyOfRange(der, der.length - 32, der.length)), kp);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String address() {
        byte[] b = new byte[32];
        ThreadLocalRandom.current().nextBytes(b);
        b[0] |= 1; // no leading zero byte
        return Base58.encode(b);
    }

    public static String signature() {
        byte[] b = new byte[64];
        ThreadLocalRandom.current().nextBytes(b);
        b[0] |= 1;
        return Base58.encode(b);
    }

    /** A transaction under construction: account keys, balances, token balances, logs. */
    public static final class Builder {
        final String signature = FakeTx.signature();
        final List<String> keys = new ArrayList<>();
        final List<long[]> balances = new ArrayList<>(); // pre, post
        final ArrayNode preTok = Json.MAPPER.createArrayNode(), postTok = Json.MAPPER.createArrayNode();
        final List<String> logs = new ArrayList<>();
        int signers = 1;
        boolean failed;
        private record Ix(String program, List<String> accounts, byte[] data, boolean inner) {}
        private final List<Ix> instructions = new ArrayList<>();

        private int key(String k, long pre, long post) {
            int i = keys.indexOf(k);
            if (i >= 0) {
                balances.get(i)[1] += post - pre;
                return i;
            }
            keys.add(k);
            balances.add(new long[] {pre, post});
            return keys.size() - 1;
        }

        public String signature() {
            return signature;
        }

        /** {@code from} (the fee payer and signer) sends lamports to {@code to}. */
        public Builder sol(String from, String to, long lamports) {
            key(from, 10_000_000_000L, 10_000_000_000L - lamports - 5000);
            key(to, 1_000_000, 1_000_000 + lamports);
            key(SYSTEM, 1, 1);
            byte[] data = new byte[12]; // System Transfer: u32 LE 2, u64 LE lamports
            data[0] = 2;
            le(data, 4, lamports);
            instructions.add(new Ix(SYSTEM, List.of(from, to), data, false));
            return this;
        }

        private static void le(byte[] b, int at, long v) {
            for (int i = 0; i < 8; i++) b[at + i] = (byte) (v >>> (8 * i));
        }

        /** As {@link #token}, with a {@code TransferChecked} instruction (mint and decimals) instead of {@code Transfer}. */
        public Builder tokenChecked(String from, String to, String mint, long amount, int decimals) {
            token(from, to, mint, amount);
            Ix plain = instructions.removeLast();
            key(mint, 1_461_600, 1_461_600);
            byte[] data = new byte[10];
            data[0] = 12;
            le(data, 1, amount);
            data[9] = (byte) decimals;
            instructions.add(new Ix(TOKEN_PROGRAM, List.of(plain.accounts().get(0), mint, plain.accounts().get(1), from), data, false));
            return this;
        }

        /** The last instruction runs as an inner instruction (a CPI) of the first one instead of at top level. */
        public Builder asInner() {
            Ix last = instructions.removeLast();
            instructions.add(new Ix(last.program(), last.accounts(), last.data(), true));
            return this;
        }

        /** {@code from} (signer) sends {@code amount} base units of {@code mint} to {@code to}'s token account. */
        public Builder token(String from, String to, String mint, long amount) {
            key(from, 10_000_000_000L, 10_000_000_000L - 5000);
            int a = key(address(), 2_039_280, 2_039_280), b = key(address(), 2_039_280, 2_039_280);
            key(TOKEN_PROGRAM, 1, 1);
            preTok.add(tok(a, mint, from, 1_000_000_000L));
            preTok.add(tok(b, mint, to, 0));
            postTok.add(tok(a, mint, from, 1_000_000_000L - amount));
            postTok.add(tok(b, mint, to, amount));
            byte[] data = new byte[9]; // SPL Token Transfer: u8 3, u64 LE amount
            data[0] = 3;
            le(data, 1, amount);
            instructions.add(new Ix(TOKEN_PROGRAM, List.of(keys.get(a), keys.get(b), from), data, false));
            return this;
        }

        private static ObjectNode tok(int idx, String mint, String owner, long amount) {
            ObjectNode o = Json.object().put("accountIndex", idx).put("mint", mint).put("owner", owner).put("programId", TOKEN_PROGRAM);
            o.putObject("uiTokenAmount").put("amount", Long.toString(amount)).put("decimals", 6).put("uiAmountString", Long.toString(amount));
            return o;
        }

        /** Invokes {@code program} with these log lines ({@code Program log: …}). */
        public Builder program(String program, String... logLines) {
            if (keys.isEmpty()) key(address(), 10_000_000_000L, 10_000_000_000L - 5000);
            key(program, 1, 1);
            logs.add("Program " + program + " invoke [1]");
            for (String l : logLines) logs.add("Program log: " + l);
            logs.add("Program " + program + " success");
            return this;
        }

        public Builder truncatedLogs() {
            logs.add("Log truncated");
            return this;
        }

        public Builder failed() {
            failed = true;
            return this;
        }

        /** The {@code getTransaction} result at {@code slot}. */
        public ObjectNode json(long slot) {
            ObjectNode r = Json.object().put("slot", slot).put("blockTime", 1_764_900_000L + slot).put("version", 0);
            ObjectNode meta = r.putObject("meta");
            if (failed) meta.putObject("err").putArray("InstructionError").add(0).addObject().put("Custom", 1);
            else meta.putNull("err");
            meta.put("fee", 5000);
            ArrayNode pre = meta.putArray("preBalances"), post = meta.putArray("postBalances");
            for (long[] b : balances) {
                pre.add(b[0]);
                post.add(failed ? b[0] - (b == balances.getFirst() ? 5000 : 0) : b[1]);
            }
            meta.set("preTokenBalances", preTok);
            meta.set("postTokenBalances", failed ? preTok : postTok);
            ArrayNode lm = meta.putArray("logMessages");
            logs.forEach(lm::add);
            meta.putObject("loadedAddresses").putArray("writable");
            meta.with("loadedAddresses").putArray("readonly");
            ObjectNode tx = r.putObject("transaction");
            tx.putArray("signatures").add(signature);
            ObjectNode msg = tx.putObject("message");
            ArrayNode ak = msg.putArray("accountKeys");
            keys.forEach(ak::add);
            msg.putObject("header").put("numRequiredSignatures", signers).put("numReadonlySignedAccounts", 0)
                    .put("numReadonlyUnsignedAccounts", 1);
            msg.put("recentBlockhash", address());
            ArrayNode top = msg.putArray("instructions");
            ArrayNode inner = Json.MAPPER.createArrayNode();
            for (Ix ix : instructions) {
                ObjectNode o = (ix.inner() ? inner : top).addObject().put("programIdIndex", keys.indexOf(ix.program()));
                ArrayNode acc = o.putArray("accounts");
                for (String k : ix.accounts()) acc.add(keys.indexOf(k));
                o.put("data", Base58.encode(ix.data())).putNull("stackHeight");
            }
            ArrayNode groups = meta.putArray("innerInstructions");
            if (!inner.isEmpty()) groups.addObject().put("index", 0).set("instructions", inner);
            return r;
        }

        public List<String> accounts() {
            return List.copyOf(keys);
        }

        public List<String> logLines() {
            return List.copyOf(logs);
        }
    }

    public static Builder tx() {
        return new Builder();
    }
}
