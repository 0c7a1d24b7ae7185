package io.hubbub.server.transport;

import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The reverse proxies whose {@code X-Forwarded-For} is believed, as IP addresses or CIDR blocks
 * ({@code server.trustedProxies}). The client's address is the socket's peer unless that peer is a
 * trusted proxy; then it is the right-most {@code X-Forwarded-For} entry that is not a trusted proxy
 * (every hop appends the address it saw, so only the entries left of the last untrusted hop are under
 * the client's control, and they are ignored). {@link #NONE} believes no header at all.
 *
 * <p>Parsing never resolves names (no DNS): entries must be IP literals. Immutable, thread-safe, cheap
 * enough for an event loop.
 */
public final class TrustedProxies {
    public static final TrustedProxies NONE = new TrustedProxies(List.of());
    /** At most this many X-Forwarded-For entries are examined (from the right). */
    static final int MAX_HOPS = 32;

    private record Block(byte[] network, int bits) {
        boolean contains(byte[] a) {
            if (a.length != network.length) return false;
            int full = bits / 8;
            for (int i = 0; i < full; i++) if (a[i] != network[i]) return false;
            int rest = bits % 8;
            if (rest == 0) return true;
            int mask = 0xff << (8 - rest) & 0xff;
            return (a[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Block> blocks;

    private TrustedProxies(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    /**
     * @param entries IP literals ("10.0.0.7", "::1") or CIDR blocks ("10.0.0.0/8", "fd00::/8")
     * @throws IllegalArgumentException naming the first entry that is neither
     */
    public static TrustedProxies parse(List<String> entries) {
        List<Block> out = new ArrayList<>();
        for (String e : entries) out.add(block(e));
        return out.isEmpty() ? NONE : new TrustedProxies(out);
    }

    private static Block block(String entry) {
        String s = entry == null ? "" : entry.strip();
        int slash = s.indexOf('/');
        byte[] net = NetUtil.createByteArrayFromIpAddressString(slash < 0 ? s : s.substring(0, slash));
        if (net == null) throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR block");
        int bits = net.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > net.length * 8) throw new IllegalArgumentException("'" + entry + "' has a bad prefix length");
        }
        return new Block(net, bits);
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    boolean trusts(byte[] address) {
        if (address == null) return false;
        for (Block b : blocks) if (b.contains(address)) return true;
        return false;
    }

    /**
     * The client's address for a request from {@code peer} carrying {@code xForwardedFor} (may be null).
     * An entry that is not an IP literal where the client's address should be (only a misbehaving proxy
     * writes one) yields the address of the trusted hop that passed it on.
     */
    public String clientAddress(SocketAddress peer, String xForwardedFor) {
        String peerIp = peer instanceof InetSocketAddress a && a.getAddress() != null ? a.getAddress().getHostAddress() : String.valueOf(peer);
        byte[] peerBytes = peer instanceof InetSocketAddress a && a.getAddress() != null ? a.getAddress().getAddress() : null;
        if (blocks.isEmpty() || xForwardedFor == null || xForwardedFor.isBlank() || !trusts(peerBytes)) return peerIp;
        String[] hops = xForwardedFor.split(",");
        String nearest = peerIp;
        for (int i = hops.length - 1, seen = 0; i >= 0 && seen < MAX_HOPS; i--, seen++) {
            String hop = hops[i].strip();
            byte[] bytes = NetUtil.createByteArrayFromIpAddressString(hop);
            if (bytes == null) return nearest;
            if (!trusts(bytes)) return normalise(bytes, hop);
            nearest = normalise(bytes, hop);
        }
        return nearest; // every hop is a trusted proxy: the left-most one examined
    }

    private static String normalise(byte[] bytes, String fallback) {
        try {
            return InetAddress.getByAddress(bytes).getHostAddress(); // no lookup: from raw bytes
        } catch (java.net.UnknownHostException e) {
            return fallback;
        }
    }
}
