package io.hubbub.core.protocol;

/**
 * The one rule for names other users see (account display names, guest names): 1–64 code points after
 * trimming, and no invisible or reordering characters. Refused (not stripped, so what a user typed is
 * never silently changed): control characters (Unicode category Cc), format characters (Cf: bidi
 * overrides and isolates such as U+202E, zero-width space/joiners U+200B–U+200D, U+FEFF, soft hyphen),
 * line and paragraph separators (Zl, Zp) and lone surrogates (Cs). They let one user impersonate another
 * ("admin" + U+200B) or reverse the text around a name in other clients.
 */
public final class DisplayNames {
    public static final int MAX_CODE_POINTS = 64;

    private DisplayNames() {}

    /**
     * The trimmed name, or a {@code bad_request} whose message starts with {@code field}.
     *
     * @throws HubbubException bad_request when blank, too long or containing a refused character
     */
    public static String check(String field, String name) {
        String n = name == null ? "" : name.strip();
        int length = n.codePointCount(0, n.length());
        if (length < 1) throw HubbubException.badRequest(field + " must not be blank");
        if (length > MAX_CODE_POINTS) throw HubbubException.badRequest(field + " must be at most " + MAX_CODE_POINTS + " characters");
        if (n.codePoints().anyMatch(DisplayNames::refused)) {
            throw HubbubException.badRequest(field + " must not contain control characters or invisible format characters "
                    + "(bidi controls, zero-width characters, line separators)");
        }
        return n;
    }

    static boolean refused(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SURROGATE -> true;
            default -> false;
        };
    }
}
