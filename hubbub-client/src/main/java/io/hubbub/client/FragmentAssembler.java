package io.hubbub.client;

/**
 * Joins the parts of one text message that the JDK WebSocket delivers in several
 * {@code onText(…, last)} calls. Bounded: a message over {@code maxChars} is refused. Not
 * thread-safe; the JDK calls a listener sequentially, which is all it needs.
 */
final class FragmentAssembler {
    private final int maxChars;
    private StringBuilder partial;

    FragmentAssembler(int maxChars) {
        if (maxChars <= 0) {
            throw new IllegalArgumentException("maxChars must be positive");
        }
        this.maxChars = maxChars;
    }

    /**
     * Adds one part; returns the whole message when {@code last}, else null.
     *
     * @throws MessageTooLargeException when the message grows over the limit (the partial message is dropped)
     */
    String append(CharSequence part, boolean last) {
        if (partial == null) {
            if (last) {
                if (part.length() > maxChars) {
                    throw new MessageTooLargeException(part.length(), maxChars);
                }
                return part.toString();
            }
            partial = new StringBuilder(Math.min(maxChars, Math.max(256, part.length() * 2)));
        }
        if (partial.length() + part.length() > maxChars) {
            int size = partial.length() + part.length();
            partial = null;
            throw new MessageTooLargeException(size, maxChars);
        }
        partial.append(part);
        if (!last) {
            return null;
        }
        String whole = partial.toString();
        partial = null;
        return whole;
    }

    /** Characters held for an unfinished message. */
    int pending() {
        return partial == null ? 0 : partial.length();
    }

    static final class MessageTooLargeException extends RuntimeException {
        MessageTooLargeException(int size, int max) {
            super("incoming message of at least " + size + " chars is over the limit of " + max);
        }
    }
}
