package io.hubbub.server.logging;

import java.util.regex.Pattern;

/**
 * Replaces values that look like credentials with {@code ***}: JWTs ({@code eyJ…}), the value
 * after {@code Bearer}/{@code Basic}, and the value of {@code token=…}, {@code password: …},
 * {@code "apiKey":"…"} and similar pairs (any key ending in token, secret, password or api key).
 * The replacement never contains quotes or backslashes, so masking an encoded JSON line keeps it
 * valid JSON. Stateless and thread-safe.
 */
public final class SecretMasker {
    public static final String MASK = "***";

    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_\\-]{6,}(?:\\.[A-Za-z0-9_\\-]*){0,2}");
    private static final Pattern AUTH_SCHEME = Pattern.compile("(?i)\\b(bearer|basic)(\\s+)[A-Za-z0-9._~+/=\\-]+");
    private static final Pattern PAIR = Pattern.compile(
            "(?i)((?:[a-z_\\-]*token|[a-z_\\-]*secret|password|passwd|pwd|api[_\\-]?key)(?:\\\\?[\"'])?\\s*[=:]\\s*(?:\\\\?[\"'])?)"
                    + "([^\\s\"'\\\\&,;)}\\]]+)");

    private SecretMasker() {}

    public static String mask(String text) {
        if (text == null || text.isEmpty()) return text;
        // Schemes and pairs first, so a JWT after "Bearer " or "token=" becomes one plain mask.
        String s = AUTH_SCHEME.matcher(text).replaceAll("$1$2" + MASK);
        s = PAIR.matcher(s).replaceAll("$1" + MASK);
        return JWT.matcher(s).replaceAll("eyJ" + MASK);
    }
}
