package io.hubbub.chat;

import io.hubbub.core.config.Checks;
import io.hubbub.core.config.Doc;
import io.hubbub.core.feature.FeatureSettings;

import java.time.Duration;

/** The {@code features.chat} configuration section. */
public record ChatSettings(
        @Doc("Serve the chat events (chat:*, message:new/edit/delete/react, friend:*, notification:*) and /api/chat routes.") boolean enabled,
        @Doc("Most members in a group chat.") int maxMembers,
        @Doc("Most characters in a message text.") int maxTextLength,
        @Doc("How long after sending a message its sender may edit or delete it; 0 = no limit.") Duration editWindow,
        @Doc("Messages a user may send per second (sustained) before 'rate_limited'.") double sendsPerSecond,
        @Doc("Messages a user may send in a burst.") int sendBurst,
        @Doc("Most messages waiting for the group-commit writer; beyond it a send answers 'unavailable'.") int writeQueue,
        @Doc("Most messages the writer commits in one transaction.") int writeBatch,
        @Doc("Threads checking sends (membership, blocks, replies) before the writer; each uses one database connection at a time, so keep it below storage.poolSize.") int sendCheckThreads,
        @Doc("Typing signals are not fanned out in chats with more members than this.") int typingMaxMembers,
        @Doc("A typing:start without typing:stop expires after this time (the other members get typing:stop).") Duration typingTimeout,
        @Doc("How long notifications are kept.") Duration notificationTtl,
        @Doc("How often expired notifications are removed (at most cleanupBatch rows per run).") Duration cleanupInterval,
        @Doc("Most expired notifications removed per cleanup run.") int cleanupBatch,
        @Doc("Most unread notifications sent as notification:new to a connection when it connects.") int notificationsOnConnect,
        @Doc("Most messages in one history page.") int maxPage,
        @Doc("URL that gets every stored notification as a signed POST (for mobile pushes); empty: none.") String webhookUrl,
        @Doc("HMAC-SHA256 key of the webhook signature (X-Hubbub-Signature); required with webhookUrl, 32+ characters.") String webhookSecret,
        @Doc("Retries of a failed webhook delivery (exponential backoff from webhookBackoff).") int webhookRetries,
        @Doc("Delay before the first webhook retry; doubled for each further one.") Duration webhookBackoff,
        @Doc("Most webhook deliveries waiting in the durable outbox (all nodes together); beyond, new ones are dropped and counted.") int webhookOutboxMax,
        @Doc("How often each node looks for due webhook deliveries (retries, and those another node gave back); a new one is sent at once.") Duration webhookPoll,
        @Doc("Presence privacy: presence:query/presence:subscribe see only friends and members of a shared chat, never blocked users (others: 'forbidden'); false: anyone may see anyone.") boolean presencePrivacy,
        @Doc("How long a send may use a chat's members and blocks held in memory (no query per send). Changes made on this node apply at once; changes made on another node within this time. 0: a query per send.") Duration sendCacheTtl,
        @Doc("Most chat memberships held for sends (all chats together); past it the cache starts over. Chats with more members are never held.") int sendCacheMembers)
        implements FeatureSettings {

    public static ChatSettings defaults() {
        return new ChatSettings(true, 1000, 4000, Duration.ofMinutes(15), 20, 40, 20_000, 500, 2, 100,
                Duration.ofSeconds(5), Duration.ofDays(30), Duration.ofMinutes(1), 1000, 50, 100, "", "", 5, Duration.ofSeconds(1), 100_000, Duration.ofSeconds(1), true,
                Duration.ofSeconds(2), 200_000);
    }

    @Override
    public void validate(Checks c, String prefix) {
        c.range(prefix + "maxMembers", maxMembers, 2, 100_000);
        c.range(prefix + "maxTextLength", maxTextLength, 1, 100_000);
        c.notNegative(prefix + "editWindow", editWindow);
        c.require(sendsPerSecond > 0, prefix + "sendsPerSecond", "must be > 0");
        c.range(prefix + "sendBurst", sendBurst, 1, 100_000);
        c.range(prefix + "writeQueue", writeQueue, 1, 1_000_000);
        c.range(prefix + "writeBatch", writeBatch, 1, 10_000);
        c.range(prefix + "sendCheckThreads", sendCheckThreads, 1, 64);
        c.range(prefix + "typingMaxMembers", typingMaxMembers, 0, 100_000);
        c.positive(prefix + "typingTimeout", typingTimeout);
        c.positive(prefix + "notificationTtl", notificationTtl);
        c.positive(prefix + "cleanupInterval", cleanupInterval);
        c.range(prefix + "cleanupBatch", cleanupBatch, 1, 1_000_000);
        c.range(prefix + "notificationsOnConnect", notificationsOnConnect, 0, 1000);
        c.range(prefix + "maxPage", maxPage, 1, 1000);
        if (!webhookUrl.isBlank()) {
            c.require(webhookUrl.matches("https?://\\S+"), prefix + "webhookUrl", "must be an http(s) URL");
            c.require(webhookSecret.length() >= 32, prefix + "webhookSecret", "must be at least 32 characters when webhookUrl is set");
            if (c.production()) c.require(webhookUrl.startsWith("https://"), prefix + "webhookUrl", "must be https in production");
        }
        c.range(prefix + "webhookRetries", webhookRetries, 0, 20);
        c.positive(prefix + "webhookBackoff", webhookBackoff);
        c.range(prefix + "webhookOutboxMax", webhookOutboxMax, 1, 10_000_000);
        c.positive(prefix + "webhookPoll", webhookPoll);
        c.notNegative(prefix + "sendCacheTtl", sendCacheTtl);
        c.require(sendCacheTtl.compareTo(Duration.ofMinutes(10)) <= 0, prefix + "sendCacheTtl", "must be at most 10m");
        c.range(prefix + "sendCacheMembers", sendCacheMembers, 0, 10_000_000);
    }
}
