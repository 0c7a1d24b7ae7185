package io.hubbub.chain.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.chain.Base58;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the transfer instructions of a {@code getTransaction} result (json encoding: each instruction
 * is {@code {programIdIndex, accounts:[key indices], data:<base58>}}), top level and inner
 * ({@code meta.innerInstructions}, e.g. a program moving tokens by CPI):
 * <ul>
 *   <li>System Program {@code Transfer}: data {@code u32 LE 2, u64 LE lamports}; accounts {@code [from, to]};</li>
 *   <li>SPL Token and Token-2022 {@code Transfer}: data {@code u8 3, u64 LE amount}; accounts
 *   {@code [source, destination, authority, …]};</li>
 *   <li>SPL Token and Token-2022 {@code TransferChecked}: data {@code u8 12, u64 LE amount, u8 decimals};
 *   accounts {@code [source, mint, destination, authority, …]}.</li>
 * </ul>
 * Token {@code source}/{@code destination} are token accounts (not owners; the balances give owners).
 * Anything else, a short or undecodable {@code data}, or an account index out of range is skipped: the
 * balances stay the truth for what moved; the instructions say how.
 */
public final class Instructions {
    public static final String SYSTEM_PROGRAM = "11111111111111111111111111111111";
    public static final String TOKEN_PROGRAM = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
    public static final String TOKEN_2022_PROGRAM = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb";
    /** Most instructions decoded per transaction (top level and inner together). */
    static final int MAX = 256;

    private Instructions() {}

    /**
     * One decoded transfer instruction.
     *
     * @param type     {@code transfer} (System or Token) or {@code transferChecked}
     * @param mint     the mint for {@code transferChecked}, else null
     * @param decimals the decimals for {@code transferChecked}, else -1
     * @param inner    true when it ran as an inner instruction (CPI)
     */
    public record Decoded(String program, String type, String source, String destination, String authority, String mint,
                          BigInteger amount, int decimals, boolean inner) {}

    /** The transfer instructions of a transaction, in execution order per level (top level first, then inner). */
    public static List<Decoded> transfers(JsonNode result, List<String> keys) {
        List<Decoded> out = new ArrayList<>();
        for (JsonNode ix : result.path("transaction").path("message").path("instructions")) decode(ix, keys, false, out);
        for (JsonNode group : result.path("meta").path("innerInstructions"))
            for (JsonNode ix : group.path("instructions")) decode(ix, keys, true, out);
        return out;
    }

    private static void decode(JsonNode ix, List<String> keys, boolean inner, List<Decoded> out) {
        if (out.size() >= MAX) return;
        String program = key(keys, ix.path("programIdIndex").asInt(-1));
        if (program == null) return;
        byte[] data;
        try {
            data = Base58.decode(ix.path("data").asText(""));
        } catch (IllegalArgumentException e) {
            return;
        }
        JsonNode acc = ix.path("accounts");
        if (program.equals(SYSTEM_PROGRAM)) {
            if (data.length >= 12 && u32(data, 0) == 2) {
                String from = key(keys, acc.path(0).asInt(-1)), to = key(keys, acc.path(1).asInt(-1));
                if (from != null && to != null) out.add(new Decoded(program, "transfer", from, to, from, null, u64(data, 4), -1, inner));
            }
        } else if (program.equals(TOKEN_PROGRAM) || program.equals(TOKEN_2022_PROGRAM)) {
            if (data.length >= 9 && data[0] == 3) {
                String src = key(keys, acc.path(0).asInt(-1)), dst = key(keys, acc.path(1).asInt(-1)), auth = key(keys, acc.path(2).asInt(-1));
                if (src != null && dst != null && auth != null) out.add(new Decoded(program, "transfer", src, dst, auth, null, u64(data, 1), -1, inner));
            } else if (data.length >= 10 && data[0] == 12) {
                String src = key(keys, acc.path(0).asInt(-1)), mint = key(keys, acc.path(1).asInt(-1));
                String dst = key(keys, acc.path(2).asInt(-1)), auth = key(keys, acc.path(3).asInt(-1));
                if (src != null && mint != null && dst != null && auth != null)
                    out.add(new Decoded(program, "transferChecked", src, dst, auth, mint, u64(data, 1), data[9] & 0xff, inner));
            }
        }
    }

    private static String key(List<String> keys, int i) {
        return i >= 0 && i < keys.size() ? keys.get(i) : null;
    }

    private static long u32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }

    /** An unsigned little-endian u64 (amounts may exceed Long.MAX_VALUE). */
    private static BigInteger u64(byte[] b, int at) {
        byte[] be = new byte[9]; // leading zero byte: non-negative
        for (int i = 0; i < 8; i++) be[8 - i] = b[at + i];
        return new BigInteger(be);
    }
}
