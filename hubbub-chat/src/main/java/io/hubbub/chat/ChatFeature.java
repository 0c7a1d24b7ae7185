package io.hubbub.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.chat.FriendRules.Action;
import io.hubbub.core.api.EventContext;
import io.hubbub.core.api.HubbubApi;
import io.hubbub.core.feature.Feature;
import io.hubbub.core.feature.FeatureContext;
import io.hubbub.core.limit.TokenBucket;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.protocol.Payloads;
import io.hubbub.store.Database;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Persistent direct and group chats (seed 001) on Hubbub's core: the {@code chat:*}, {@code message:*},
 * {@code friend:*} and {@code notification:*} events, typing per chat, the {@code /api/chat} routes.
 * docs/CHAT.md is the reference; {@link Delivery} explains how pushes reach participants.
 *
 * <p>Every handler binds its payload (bad input: {@code bad_request}, nothing changed), then does its
 * database work on the blocking executor. A message is acknowledged only after its transaction
 * committed ({@link MessageWriter}).
 */
public final class ChatFeature implements Feature {
    private static final Logger log = LoggerFactory.getLogger(ChatFeature.class);
    static final int MAX_RATE_BUCKETS = 100_000;
    /** Friends whose presence a connection follows from connect on (the first ones by id). */
    static final int MAX_WATCHED_FRIENDS = 500;
    /** Committed batches waiting for their notifications; beyond, their notifications are shed. */
    static final int MAX_NOTIFY_BACKLOG = 10_000;

    private final Clock clock;

    /** The feature as ServiceLoader makes it: the server's clock. */
    public ChatFeature() {
        this(null);
    }

    /** With its own clock (tests move time to expire notifications and edit windows); null: the server's. */
    public ChatFeature(Clock clock) {
        this.clock = clock;
    }

    @Override public String name() { return "chat"; }

    @Override public String description() { return "Persistent direct and group chats, friends and notifications (docs/CHAT.md)."; }

    @Override public ChatSettings defaults() { return ChatSettings.defaults(); }

    @Override public String migrations() { return "db/chat"; }

    @Override
    public void install(FeatureContext ctx) {
        ChatSettings s = ctx.config(ChatSettings.class);
        Database db = ctx.service(Database.class).orElseThrow(() -> new IllegalStateException("the chat feature needs the database"));
        HubbubApi api = ctx.api();
        Clock clock = this.clock != null ? this.clock : ctx.clock();
        ChatStore store = new ChatStore();
        store.access = new SendAccess(s.sendCacheTtl().toNanos(), s.sendCacheMembers());
        Delivery delivery = new Delivery(api.messaging());
        Notifications notifications = new Notifications(db, s, delivery, clock);
        if (!s.webhookUrl().isBlank()) {
            PushWebhook webhook = new PushWebhook(s, new WebhookOutbox(db), clock, ctx.metrics(), ctx::metricName);
            notifications.webhook(webhook);
            ctx.onStart(webhook::start);
            ctx.onStop(webhook::close);
        }
        ChatService chats = new ChatService(db, store, s, delivery, notifications, clock);
        Friends friends = new Friends(db, store, delivery, notifications, clock);
        ChatSearch search = new ChatSearch(db);
        search.install();
        PresenceVisibility visibility = s.presencePrivacy() ? new PresenceVisibility(db, api) : null;
        if (visibility != null) api.authorizePresence(visibility);
        ChatTyping typing = new ChatTyping(ctx.scheduler(), delivery, s.typingTimeout(), s.typingMaxMembers());
        Counter sent = Counter.builder(ctx.metricName("messages")).description("chat messages stored").register(ctx.metrics());
        Counter duplicates = Counter.builder(ctx.metricName("duplicates")).description("retried sends answered with the stored message").register(ctx.metrics());

        // notifications of committed messages: in commit order, one batch at a time, bounded backlog
        SerialExecutor afterCommit = new SerialExecutor(ctx.blocking(), MAX_NOTIFY_BACKLOG);
        MessageWriter writer = new MessageWriter(db, s.writeQueue(), s.writeBatch(), batch -> {
            for (BatchCommit.Committed c : batch.fresh())
                delivery.toUsers(batch.members().getOrDefault(c.message().chatId(), List.of()), "message:new", c.json(), null);
            sent.increment(batch.fresh().size());
            if (!batch.fresh().isEmpty() && !afterCommit.execute(() -> {
                try {
                    notifyAbout(api, notifications, batch);
                } catch (RuntimeException e) {
                    log.debug("message notifications failed: {}", e.toString()); // the messages are stored and pushed
                }
            })) log.warn("message notifications shed: {} batches waiting", MAX_NOTIFY_BACKLOG);
        });
        SendChecks checks = new SendChecks(db, chats, s.writeQueue(), s.sendCheckThreads());
        ctx.onStart(checks::start);
        ctx.onStop(checks::close);
        io.micrometer.core.instrument.FunctionCounter.builder(ctx.metricName("sends.inline"), checks, SendChecks::inline)
                .description("sends checked on the connection's thread against the chat held in memory (no check thread)").register(ctx.metrics());
        Gauge.builder(ctx.metricName("write.queue"), writer::queued).description("messages waiting for the writer").register(ctx.metrics());
        io.micrometer.core.instrument.FunctionCounter.builder(ctx.metricName("send.cache.loads"), store.access, SendAccess::loads)
                .description("chats loaded from the database for sends (misses of the in-memory send cache)").register(ctx.metrics());
        Gauge.builder(ctx.metricName("typing"), typing::size).description("users typing").register(ctx.metrics());
        ctx.onStart(writer::start);
        ctx.onStop(writer::close);

        Map<String, TokenBucket> sendBuckets = new ConcurrentHashMap<>();
        Events ev = new Events(api, ctx);

        // ---- chats
        ev.on("chat:create", ChatPayloads.CreateChat.class, (me, p) -> {
            ChatService.Created c = chats.create(me, p);
            JsonNode chat = c.reply().get("chat");
            if (c.reply().path("created").asBoolean()) {
                store.access.invalidate(chat.path("id").asText()); // committed now: see SendAccess
                delivery.toUsers(memberIds(chat), "chat:created", chatEvent(chat), null);
            }
            if (c.systemMessage() != null) writer.submit(c.systemMessage());
            return c.reply();
        });
        ev.on("chat:list", Empty.class, (me, p) -> chats.list(me));
        ev.on("chat:get", ChatPayloads.ChatRef.class, (me, p) -> chats.get(me, p.chatId()));
        ev.on("chat:update", ChatPayloads.UpdateChat.class, (me, p) -> changed(chats.update(me, p), writer, delivery, store));
        ev.on("chat:members:add", ChatPayloads.AddMembers.class, (me, p) -> changed(chats.addMembers(me, p), writer, delivery, store));
        ev.on("chat:members:remove", ChatPayloads.MemberRef.class, (me, p) -> changed(chats.removeMember(me, p), writer, delivery, store));
        ev.on("chat:leave", ChatPayloads.ChatRef.class, (me, p) -> changed(chats.leave(me, p.chatId()), writer, delivery, store));
        ev.on("chat:role", ChatPayloads.SetRole.class, (me, p) -> changed(chats.setRole(me, p), writer, delivery, store));
        ev.on("chat:transfer", ChatPayloads.MemberRef.class, (me, p) -> changed(chats.transfer(me, p), writer, delivery, store));
        ev.on("chat:mute", ChatPayloads.Mute.class, (me, p) -> chats.mute(me, p));
        ev.on("chat:read", ChatPayloads.Read.class, (me, p) -> chats.read(me, p));
        ev.on("chat:delivered", ChatPayloads.Read.class, (me, p) -> chats.delivered(me, p));
        ev.on("chat:unread", ChatPayloads.MarkUnread.class, (me, p) -> chats.markUnread(me, p));
        ev.on("chat:history", ChatPayloads.History.class, (me, p) -> chats.history(me, p));

        // ---- messages: checked on the blocking executor, stored by the writer, acknowledged after commit
        api.on("message:new", c -> {
            ChatPayloads.NewMessage p = ChatPayloads.fastNewMessage(c.payload());
            if (p == null) p = bind(c.payload(), ChatPayloads.NewMessage.class);
            String me = c.principal().userId();
            if (sendBuckets.size() >= MAX_RATE_BUCKETS) sendBuckets.clear(); // bounded: a reset only forgives
            TokenBucket bucket = sendBuckets.get(me);
            if (bucket == null) bucket = sendBuckets.computeIfAbsent(me, k -> new TokenBucket(s.sendsPerSecond(), s.sendBurst()));
            if (!bucket.tryAcquire()) throw new HubbubException(ErrorCode.RATE_LIMITED, "too many messages; slow down");
            chats.checkText(p);
            Model.Draft inline = checks.tryInline(me, p);
            return (inline != null ? writer.submit(inline) : checks.submit(me, p).thenCompose(writer::submit))
                    .thenApply(done -> {
                        if (done.duplicate()) duplicates.increment();
                        ObjectNode r = Json.object();
                        r.set("message", done.json()); // the pushed message's own tree: built once per message
                        return r.put("duplicate", done.duplicate());
                    });
        });
        ev.on("message:edit", ChatPayloads.EditMessage.class, (me, p) -> chats.edit(me, p));
        ev.on("message:delete", ChatPayloads.MessageRef.class, (me, p) -> chats.delete(me, p));
        ev.on("message:react", ChatPayloads.React.class, (me, p) -> chats.react(me, p));
        ev.on("message:search", ChatPayloads.Search.class, (me, p) -> search.search(me, p.query(), p.chatId(), p.before(),
                p.limit() == null ? 20 : p.limit()));

        // ---- typing: the core's typing:start/stop keep serving rooms; a payload with chatId is chat typing
        api.wrap("typing:start", room -> c -> c.payload() != null && c.payload().has("chatId")
                ? ev.blocking(c, ChatPayloads.ChatRef.class, (me, p) -> {
                    var chat = chats.chatAndMembers(me, p.chatId());
                    return Json.object().put("delivered", typing.start(p.chatId(), me, chat.getValue(), clock.millis()));
                })
                : room.handle(c));
        api.wrap("typing:stop", room -> c -> c.payload() != null && c.payload().has("chatId")
                ? ev.blocking(c, ChatPayloads.ChatRef.class, (me, p) -> Json.object().put("delivered", typing.stop(p.chatId(), me)))
                : room.handle(c));

        // ---- friends
        for (Action a : Action.values())
            ev.on("friend:" + a.name().toLowerCase(java.util.Locale.ROOT), ChatPayloads.UserRef.class, (me, p) -> {
                ObjectNode r = friends.act(me, p.userId(), a);
                if (a == Action.BLOCK || a == Action.UNBLOCK) store.access.invalidateAll(); // committed now: see SendAccess
                if (visibility != null) {
                    String relation = r.path("relation").asText();
                    if (a == Action.REMOVE || a == Action.BLOCK) visibility.relationEnded(me, p.userId());
                    else if (relation.equals("friends")) visibility.friendsNow(me, p.userId(), MAX_WATCHED_FRIENDS);
                }
                return r;
            });
        ev.on("friend:list", Empty.class, (me, p) -> friends.list(me));

        // ---- notifications
        ev.on("notification:list", ChatPayloads.NotificationList.class, (me, p) -> notifications.list(me, p));
        ev.on("notification:read", ChatPayloads.NotificationRead.class, (me, p) -> notifications.read(me, p));

        // On connect: friends' presence is watched and unread notifications are replayed, in batches (ConnectReplay).
        ConnectReplay replay = new ConnectReplay(db, notifications, api, ctx.blocking(), ctx.scheduler(), MAX_WATCHED_FRIENDS, visibility,
                Counter.builder(ctx.metricName("connect_batches")).description("batches of connects answered (friends' presence, unread notifications)")
                        .register(ctx.metrics()));
        api.onConnect(session -> {
            replay.submit(session);
            return CompletableFuture.completedFuture(null);
        });

        // Expired notifications: a bounded delete per run, off the scheduler thread.
        long every = s.cleanupInterval().toMillis();
        ctx.scheduler().scheduleWithFixedDelay(() -> ctx.blocking().execute(() -> {
            try {
                notifications.cleanup();
            } catch (RuntimeException e) {
                log.debug("notification cleanup failed: {}", e.toString());
            }
        }), every, every, TimeUnit.MILLISECONDS);

        ChatRoutes.install(ctx, chats, friends, notifications, search, writer);
    }

    /** Tells the members about a change (and the removed users that they are out), stores its system message. */
    private static ObjectNode changed(ChatService.Change ch, MessageWriter writer, Delivery delivery, ChatStore store) {
        JsonNode chat = ch.reply().get("chat");
        if (chat != null) {
            store.access.invalidate(chat.path("id").asText()); // committed now: see SendAccess
            delivery.toUsers(memberIds(chat), "chat:updated", chatEvent(chat), null);
            delivery.toUsers(ch.added(), "chat:created", chatEvent(chat), null);
        }
        String chatId = ch.systemMessage() != null ? ch.systemMessage().chatId() : null;
        if (chatId != null) store.access.invalidate(chatId);
        delivery.toUsers(ch.removed(), "chat:removed", Json.object().put("chatId", chatId), null);
        if (ch.systemMessage() != null) writer.submit(ch.systemMessage());
        return ch.reply();
    }

    private static List<String> memberIds(JsonNode chat) {
        List<String> ids = new java.util.ArrayList<>();
        for (JsonNode m : chat.path("members")) ids.add(m.path("userId").asText());
        return ids;
    }

    private static ObjectNode chatEvent(JsonNode chat) {
        ObjectNode e = Json.object();
        e.set("chat", chat);
        return e;
    }

    /**
     * After a commit: a mention notifies the mentioned members (even in a muted chat); a direct
     * message notifies its recipient when they have no connection and did not mute the chat (one
     * presence query per batch for all such recipients).
     */
    private static void notifyAbout(HubbubApi api, Notifications notifications, BatchCommit.Batch batch) {
        java.util.Set<String> recipients = new java.util.HashSet<>();
        for (BatchCommit.Committed c : batch.fresh())
            if ("text".equals(c.message().kind()) && batch.direct().contains(c.message().chatId()))
                for (String u : batch.members().getOrDefault(c.message().chatId(), List.of())) if (!u.equals(c.message().senderId())) recipients.add(u);
        JsonNode presence = recipients.isEmpty() ? Json.object() : api.presence().query(recipients).join();
        for (BatchCommit.Committed c : batch.fresh()) {
            Model.Message m = c.message();
            if (!"text".equals(m.kind())) continue;
            ObjectNode about = Json.object().put("chatId", m.chatId()).put("messageId", m.id()).put("seq", m.seq())
                    .put("senderId", m.senderId()).put("excerpt", ChatRules.excerpt(m.text(), false));
            JsonNode mentions = m.extra() == null ? null : m.extra().get("mentions");
            java.util.Set<String> told = new java.util.HashSet<>();
            if (mentions != null) for (JsonNode u : mentions)
                if (!u.asText().equals(m.senderId()) && told.add(u.asText())) notifications.notify(u.asText(), "mention", about.deepCopy());
            if (!batch.direct().contains(m.chatId())) continue;
            for (String u : batch.members().getOrDefault(m.chatId(), List.of()))
                if (!u.equals(m.senderId()) && !told.contains(u) && !batch.muted(m.chatId(), u) && !presence.path(u).path("online").asBoolean())
                    notifications.notify(u, "message", about.deepCopy());
        }
    }

    /**
     * {@link Payloads#bind}, after refusing NUL characters in any string: PostgreSQL cannot store them,
     * and a refused insert must be the client's {@code bad_request}, not a failed batch.
     */
    static <T> T bind(JsonNode payload, Class<T> type) {
        if (hasNul(payload)) throw HubbubException.badRequest("strings must not contain NUL characters");
        return Payloads.bind(payload, type);
    }

    private static boolean hasNul(JsonNode node) {
        if (node == null) return false;
        if (node.isTextual()) return node.textValue().indexOf('\u0000') >= 0;
        for (JsonNode child : node) if (hasNul(child)) return true;
        return false;
    }

    /** An event without fields. */
    public record Empty() {}

    /** Registers handlers that bind a typed payload and run on the blocking executor. */
    static final class Events {
        private final HubbubApi api;
        private final FeatureContext ctx;

        Events(HubbubApi api, FeatureContext ctx) {
            this.api = api;
            this.ctx = ctx;
        }

        <T> void on(String type, Class<T> payload, BiFunction<String, T, ObjectNode> handler) {
            api.on(type, c -> blocking(c, payload, handler));
        }

        <T> CompletableFuture<ObjectNode> blocking(EventContext c, Class<T> payload, BiFunction<String, T, ObjectNode> handler) {
            T p = bind(c.payload() == null ? Json.object() : c.payload(), payload);
            String me = c.principal().userId();
            return CompletableFuture.supplyAsync(() -> handler.apply(me, p), ctx.blocking());
        }
    }


}
