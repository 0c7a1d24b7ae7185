package io.hubbub.core.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size in bytes, written in configuration as {@code 1024}, {@code 64KiB}, {@code 4MiB} or
 * {@code 1GiB} (binary units), or {@code 10KB}/{@code 10MB}/{@code 1GB} (decimal units).
 * Units are case-insensitive. {@link #toString()} gives the shortest exact binary form, which
 * {@link #parse} reads back to an equal value.
 */
public record ByteSize(long bytes) implements Comparable<ByteSize> {
    private static final Pattern FORMAT = Pattern.compile("(\\d+)\\s*([a-zA-Z]*)");
    private static final long KIB = 1024, MIB = KIB * 1024, GIB = MIB * 1024;

    public ByteSize {
        if (bytes < 0) throw new IllegalArgumentException("a size cannot be negative");
    }

    public static ByteSize ofBytes(long bytes) {
        return new ByteSize(bytes);
    }

    public static ByteSize ofKiB(long kib) {
        return new ByteSize(Math.multiplyExact(kib, KIB));
    }

    public static ByteSize ofMiB(long mib) {
        return new ByteSize(Math.multiplyExact(mib, MIB));
    }

    /** @throws IllegalArgumentException with a message fit for an operator */
    public static ByteSize parse(String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) throw new IllegalArgumentException("expected a size like 65536, 64KiB or 4MiB, got '" + text + "'");
        long factor = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1;
            case "kib", "k" -> KIB;
            case "mib", "m" -> MIB;
            case "gib", "g" -> GIB;
            case "kb" -> 1000;
            case "mb" -> 1000_000;
            case "gb" -> 1000_000_000;
            default -> throw new IllegalArgumentException(
                    "unknown size unit '" + m.group(2) + "' in '" + text + "' (use B, KiB, MiB, GiB, KB, MB or GB)");
        };
        try {
            return new ByteSize(Math.multiplyExact(Long.parseLong(m.group(1)), factor));
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("size '" + text + "' is too large");
        }
    }

    /** The size as an int, for buffers; sizes above 2 GiB are capped. */
    public int toIntBytes() {
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    @Override
    public int compareTo(ByteSize o) {
        return Long.compare(bytes, o.bytes);
    }

    @Override
    public String toString() {
        if (bytes != 0 && bytes % GIB == 0) return bytes / GIB + "GiB";
        if (bytes != 0 && bytes % MIB == 0) return bytes / MIB + "MiB";
        if (bytes != 0 && bytes % KIB == 0) return bytes / KIB + "KiB";
        return Long.toString(bytes);
    }
}
