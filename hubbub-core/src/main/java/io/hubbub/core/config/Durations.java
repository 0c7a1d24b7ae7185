package io.hubbub.core.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as operators write them: {@code 250ms}, {@code 5s}, {@code 2m}, {@code 3h},
 * {@code 1d}, combinations such as {@code 1h30m}, and a bare {@code 0}. ISO-8601
 * ({@code PT5S}) is accepted too. {@link #format} gives the form {@link #parse} reads back.
 */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:ms|s|m|h|d))+");

    private Durations() {}

    /** @throws IllegalArgumentException with a message fit for an operator */
    public static Duration parse(String text) {
        String t = text.trim();
        if (t.equals("0")) return Duration.ZERO;
        if (t.startsWith("P") || t.startsWith("p")) {
            try {
                return checkNotNegative(Duration.parse(t), text);
            } catch (java.time.format.DateTimeParseException e) {
                throw invalid(text);
            }
        }
        if (!WHOLE.matcher(t).matches()) throw invalid(text);
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(t);
        try {
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                total = total.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    case "d" -> Duration.ofDays(n);
                    default -> throw invalid(text);
                });
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("duration '" + text + "' is too large");
        }
        return total;
    }

    /** The shortest exact form, e.g. {@code 25s}, {@code 5m}, {@code 1h30m}, {@code 250ms}, {@code 0s}. */
    public static String format(Duration d) {
        if (d.isZero()) return "0s";
        if (d.isNegative() || d.getNano() % 1_000_000 != 0) return d.toString();
        long ms = d.toMillis();
        StringBuilder sb = new StringBuilder();
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1000L, 1L};
        String[] units = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < sizes.length; i++) {
            long n = ms / sizes[i];
            if (n > 0) {
                sb.append(n).append(units[i]);
                ms -= n * sizes[i];
            }
        }
        return sb.toString();
    }

    private static Duration checkNotNegative(Duration d, String text) {
        if (d.isNegative()) throw new IllegalArgumentException("duration '" + text + "' cannot be negative");
        return d;
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("expected a duration like 250ms, 5s, 2m, 3h or 1h30m, got '" + text + "'");
    }
}
