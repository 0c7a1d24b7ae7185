package io.hubbub.chain;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;

/**
 * Wallet ownership proofs: the wallet's Ed25519 key signs {@link #message} (UTF-8), checked with the
 * JDK's Ed25519. A Solana address is the Base58 of the 32-byte public key; the signature is Base58 of
 * its 64 bytes (what wallets' {@code signMessage} returns, Base58-encoded).
 */
public final class WalletSignatures {
    /** The X.509 SubjectPublicKeyInfo prefix of a raw 32-byte Ed25519 key (RFC 8410). */
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private WalletSignatures() {}

    /** The exact text a wallet signs to be linked to a user (documented in docs/CHAIN.md). */
    public static String message(String userId, String address, String nonce) {
        return "Hubbub wallet link\nuser: " + userId + "\nwallet: " + address + "\nnonce: " + nonce;
    }

    /** Whether {@code signatureB58} is the wallet's signature of {@code message}; false for anything malformed. */
    public static boolean verify(String address, String message, String signatureB58) {
        try {
            byte[] key = Base58.decode(address), sig = Base58.decode(signatureB58);
            if (key.length != 32 || sig.length != 64) return false;
            byte[] der = new byte[X509_PREFIX.length + 32];
            System.arraycopy(X509_PREFIX, 0, der, 0, X509_PREFIX.length);
            System.arraycopy(key, 0, der, X509_PREFIX.length, 32);
            PublicKey pk = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
            Signature v = Signature.getInstance("Ed25519");
            v.initVerify(pk);
            v.update(message.getBytes(StandardCharsets.UTF_8));
            return v.verify(sig);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false;
        }
    }
}
