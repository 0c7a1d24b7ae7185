package io.hubbub.chat;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;

/**
 * The typed payloads of the chat events, bound and validated with {@link io.hubbub.core.protocol.Payloads#bind}
 * (unknown fields and wrong types are refused; every failure is a {@code bad_request} naming the field).
 * Limits that come from configuration (text length, members) are checked by {@link ChatService}.
 */
public final class ChatPayloads {
    private ChatPayloads() {}

    static final String ID = "[A-Za-z0-9_.:@-]{1,64}";

    public record ChatRef(@NotNull @Pattern(regexp = ID) String chatId) {}

    public record UserRef(@NotNull @Pattern(regexp = ID) String userId) {}

    public record CreateChat(@NotNull @Pattern(regexp = "direct|group") String type,
                             @Pattern(regexp = ID) String userId,
                             @Size(min = 1, max = 200) String name,
                             @Size(max = 1000) String image,
                             @Size(max = 2000) String description,
                             @Size(max = 1000) List<@NotNull @Pattern(regexp = ID) String> members) {}

    public record UpdateChat(@NotNull @Pattern(regexp = ID) String chatId,
                             @Size(min = 1, max = 200) String name,
                             @Size(max = 1000) String image,
                             @Size(max = 2000) String description) {}

    public record AddMembers(@NotNull @Pattern(regexp = ID) String chatId,
                             @NotNull @Size(min = 1, max = 1000) List<@NotNull @Pattern(regexp = ID) String> userIds) {}

    public record MemberRef(@NotNull @Pattern(regexp = ID) String chatId, @NotNull @Pattern(regexp = ID) String userId) {}

    public record SetRole(@NotNull @Pattern(regexp = ID) String chatId, @NotNull @Pattern(regexp = ID) String userId,
                          @NotNull @Pattern(regexp = "admin|member") String role) {}

    public record Mute(@NotNull @Pattern(regexp = ID) String chatId, @NotNull Boolean muted) {}

    /** {@code seq} absent: everything up to the chat's last message. */
    public record Read(@NotNull @Pattern(regexp = ID) String chatId, @Min(0) Long seq) {}

    /** Marks the chat unread from {@code seq} on (last read becomes seq - 1). */
    public record MarkUnread(@NotNull @Pattern(regexp = ID) String chatId, @NotNull @Min(1) Long seq) {}

    /** At most one of before/after/around/date; none: the newest page. */
    public record History(@NotNull @Pattern(regexp = ID) String chatId, @Min(1) Long before, @Min(0) Long after,
                          @Min(1) Long around, @Min(0) Long date, @Min(1) @Max(1000) Integer limit) {}

    public record Attachment(@NotNull @Size(min = 1, max = 2000) @Pattern(regexp = "https?://\\S+") String url,
                             @NotNull @Size(min = 1, max = 200) String mimeType,
                             @Min(0) Long size,
                             @Size(max = 300) String name) {}

    public record NewMessage(@NotNull @Pattern(regexp = ID) String chatId,
                             @NotNull String text,
                             @Pattern(regexp = ID) String replyTo,
                             @Pattern(regexp = ID) String clientId,
                             @Size(max = 10) List<@NotNull @Valid Attachment> attachments,
                             @Size(max = 50) List<@NotNull @Pattern(regexp = ID) String> mentions) {}

    /**
     * The common send {@code {chatId, text[, clientId][, replyTo]}} read by hand, as {@link
     * ChatFeature#bind} would bind it; null for anything else (another field, a non-string, an invalid
     * id, a NUL), which then takes the full bind and gets its usual error. Why: the validator's
     * reflection was about 10 % of the server's CPU on the event loops at 10,000 sends/s (JFR).
     */
    static NewMessage fastNewMessage(com.fasterxml.jackson.databind.JsonNode p) {
        if (p == null || !p.isObject() || p.size() > 4) return null;
        String chatId = null, text = null, clientId = null, replyTo = null;
        for (var it = p.fields(); it.hasNext(); ) {
            var f = it.next();
            if (!f.getValue().isTextual()) return null;
            String v = f.getValue().textValue();
            switch (f.getKey()) {
                case "chatId" -> chatId = v;
                case "text" -> text = v;
                case "clientId" -> clientId = v;
                case "replyTo" -> replyTo = v;
                default -> { return null; }
            }
        }
        if (!isId(chatId) || text == null || text.indexOf('\u0000') >= 0) return null;
        if ((clientId != null && !isId(clientId)) || (replyTo != null && !isId(replyTo))) return null;
        return new NewMessage(chatId, text, replyTo, clientId, null, null);
    }

    /** Whether {@code s} matches {@link #ID}. */
    static boolean isId(String s) {
        if (s == null || s.isEmpty() || s.length() > 64) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == ':' || c == '@' || c == '-';
            if (!ok) return false;
        }
        return true;
    }

    public record EditMessage(@NotNull @Pattern(regexp = ID) String messageId, @NotNull String text) {}

    public record MessageRef(@NotNull @Pattern(regexp = ID) String messageId) {}

    public record React(@NotNull @Pattern(regexp = ID) String messageId, @NotNull @Size(min = 1, max = 32) String emoji) {}

    public record Search(@NotNull @Size(min = 1, max = 200) String query, @Pattern(regexp = ID) String chatId,
                         @Min(0) Long before, @Min(1) @Max(100) Integer limit) {}

    public record NotificationList(Boolean unreadOnly, @Min(1) @Max(200) Integer limit, @Min(0) Long before) {}

    /** {@code id}: one notification; {@code all: true}: every one of the caller's. */
    public record NotificationRead(@Pattern(regexp = ID) String id, Boolean all) {}

    /** The HTTP server-side send: a system message from the server (API key). */
    public record SystemMessage(@NotNull @Size(min = 1, max = 4000) String text) {}
}
