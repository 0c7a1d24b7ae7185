package io.hubbub.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Typing per chat: {@code typing:start {chatId}} tells the other members, and expires by itself after
 * {@code typingTimeout} (they get {@code typing:stop}). Flood control, cheapest first: a repeated start
 * within half the timeout only re-arms the timer (no fan-out); chats with more than
 * {@code typingMaxMembers} members get no typing at all; at most {@link #MAX_TYPING} users type at
 * once on a node (beyond, signals are dropped — typing is the first thing shed).
 */
final class ChatTyping {
    static final int MAX_TYPING = 100_000;

    private record Typing(ScheduledFuture<?> expiry, long announcedAt, List<String> members) {}

    private final Map<String, Typing> typing = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private final Delivery delivery;
    private final Duration timeout;
    private final int maxMembers;

    ChatTyping(ScheduledExecutorService scheduler, Delivery delivery, Duration timeout, int maxMembers) {
        this.scheduler = scheduler;
        this.delivery = delivery;
        this.timeout = timeout;
        this.maxMembers = maxMembers;
    }

    /** Returns whether the signal was fanned out (false: switched off for this chat's size, or shed). */
    boolean start(String chatId, String userId, List<String> members, long now) {
        if (members.size() > maxMembers) return false;
        String key = chatId + '\u0000' + userId;
        Typing old = typing.get(key);
        if (old == null && typing.size() >= MAX_TYPING) return false;
        boolean announce = old == null || now - old.announcedAt() >= timeout.toMillis() / 2;
        ScheduledFuture<?> expiry = scheduler.schedule(() -> expire(key, chatId, userId), timeout.toMillis(), TimeUnit.MILLISECONDS);
        Typing next = new Typing(expiry, announce ? now : old.announcedAt(), members);
        Typing replaced = typing.put(key, next);
        if (replaced != null) replaced.expiry().cancel(false);
        if (announce) delivery.toUsers(members, "typing:start", payload(chatId, userId), userId);
        return true;
    }

    /** Returns whether the user was typing (the others were told typing:stop). */
    boolean stop(String chatId, String userId) {
        Typing t = typing.remove(chatId + '\u0000' + userId);
        if (t == null) return false;
        t.expiry().cancel(false);
        delivery.toUsers(t.members(), "typing:stop", payload(chatId, userId), userId);
        return true;
    }

    private void expire(String key, String chatId, String userId) {
        Typing t = typing.get(key);
        if (t != null && t.expiry().getDelay(TimeUnit.MILLISECONDS) <= 0 && typing.remove(key, t))
            delivery.toUsers(t.members(), "typing:stop", payload(chatId, userId).put("expired", true), userId);
    }

    int size() {
        return typing.size();
    }

    private static ObjectNode payload(String chatId, String userId) {
        return Json.object().put("chatId", chatId).put("userId", userId);
    }
}
