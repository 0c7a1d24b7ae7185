package io.hubbub.core.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A failure that is answered to the client as an error with a stable {@link ErrorCode}.
 * The message is shown to clients, so it never contains secrets, tokens or stack traces.
 */
public class HubbubException extends RuntimeException {
    private final ErrorCode code;
    private final transient JsonNode details;

    public HubbubException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public HubbubException(ErrorCode code, String message, JsonNode details) {
        super(message, null, false, false);
        this.code = code;
        this.details = details;
    }

    public ErrorCode code() {
        return code;
    }

    /** Optional structured details (e.g. {@code {"url": ...}} for {@link ErrorCode#MOVED}); may be null. */
    public JsonNode details() {
        return details;
    }

    public static HubbubException badRequest(String message) {
        return new HubbubException(ErrorCode.BAD_REQUEST, message);
    }

    public static HubbubException forbidden(String message) {
        return new HubbubException(ErrorCode.FORBIDDEN, message);
    }

    public static HubbubException notFound(String message) {
        return new HubbubException(ErrorCode.NOT_FOUND, message);
    }

    public static HubbubException unavailable(String message) {
        return new HubbubException(ErrorCode.UNAVAILABLE, message);
    }

    /** Unwraps CompletionException/ExecutionException chains into a HubbubException (INTERNAL if it is not one). */
    public static HubbubException from(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException || c instanceof java.util.concurrent.ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof HubbubException he) return he;
        return new HubbubException(ErrorCode.INTERNAL, "internal error");
    }
}
