package io.hubbub.chain;

import java.math.BigInteger;
import java.util.Arrays;

/** Bitcoin-alphabet Base58, as Solana writes addresses (32 bytes) and signatures (64 bytes). */
public final class Base58 {
    private static final String ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private static final BigInteger BASE = BigInteger.valueOf(58);

    private Base58() {}

    public static String encode(byte[] data) {
        int zeros = 0;
        while (zeros < data.length && data[zeros] == 0) zeros++;
        StringBuilder sb = new StringBuilder();
        BigInteger n = new BigInteger(1, data);
        while (n.signum() > 0) {
            BigInteger[] qr = n.divideAndRemainder(BASE);
            sb.append(ALPHABET.charAt(qr[1].intValue()));
            n = qr[0];
        }
        sb.append("1".repeat(zeros));
        return sb.reverse().toString();
    }

    /** @throws IllegalArgumentException when {@code text} is not Base58 */
    public static byte[] decode(String text) {
        if (text == null || text.isEmpty() || text.length() > 128) throw new IllegalArgumentException("not base58");
        BigInteger n = BigInteger.ZERO;
        int zeros = 0;
        while (zeros < text.length() && text.charAt(zeros) == '1') zeros++;
        for (int i = 0; i < text.length(); i++) {
            int d = ALPHABET.indexOf(text.charAt(i));
            if (d < 0) throw new IllegalArgumentException("not base58");
            n = n.multiply(BASE).add(BigInteger.valueOf(d));
        }
        byte[] body = n.signum() == 0 ? new byte[0] : n.toByteArray();
        if (body.length > 1 && body[0] == 0) body = Arrays.copyOfRange(body, 1, body.length);
        byte[] out = new byte[zeros + body.length];
        System.arraycopy(body, 0, out, zeros, body.length);
        return out;
    }

    /** A 32-byte public key (an account or program address). */
    public static boolean isAddress(String s) {
        return decodesTo(s, 32);
    }

    /** A 64-byte transaction signature. */
    public static boolean isSignature(String s) {
        return decodesTo(s, 64);
    }

    private static boolean decodesTo(String s, int length) {
        try {
            return s != null && s.length() <= 90 && decode(s).length == length;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
