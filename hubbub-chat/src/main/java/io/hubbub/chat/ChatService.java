package io.hubbub.chat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.chat.ChatRules.Kind;
import io.hubbub.chat.ChatRules.Role;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.store.Database;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Chats, members, receipts, edits, reactions and history. Every method blocks (database) and runs
 * on the blocking executor; it checks everything before changing anything, so a refused request
 * changes nothing. Message sends go through {@link MessageWriter} ({@link ChatFeature}).
 */
final class ChatService {
    final Database db;
    final ChatStore store;
    final ChatSettings settings;
    final Delivery delivery;
    final Notifications notifications;
    final Clock clock;

    ChatService(Database db, ChatStore store, ChatSettings settings, Delivery delivery, Notifications notifications, Clock clock) {
        this.db = db;
        this.store = store;
        this.settings = settings;
        this.delivery = delivery;
        this.notifications = notifications;
        this.clock = clock;
    }

    /**
     * A time-ordered UUID (version 7 layout: 48 bits of Unix milliseconds, then 74 random bits from
     * {@link UUID#randomUUID}). Ids made later sort later, so the unique index on message ids grows
     * at its end instead of dirtying a random page per insert (fewer pages per group commit).
     */
    static String newId() {
        // Ids must be unique, not secret (every access is checked against membership): 74 random bits
        // per millisecond from the thread's own generator. UUID.randomUUID() takes SecureRandom's shared
        // lock, which the connections' threads then contend for on every send.
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        long msb = (System.currentTimeMillis() << 16) | 0x7000L | (r.nextLong() & 0x0FFFL);
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return new UUID(msb, lsb).toString();
    }

    /** A system message (member added/left, renamed…) to be written through the writer. */
    Model.Draft system(String chatId, String actor, String type, String text, ObjectNode details) {
        ObjectNode extra = Json.object();
        extra.set("system", details.put("type", type));
        return new Model.Draft(newId(), chatId, actor, null, "system", text, null, null, extra, clock.millis());
    }

    // ------------------------------------------------------------------ chats

    record Created(ObjectNode reply, Model.Draft systemMessage) {}

    Created create(String me, ChatPayloads.CreateChat p) {
        long now = clock.millis();
        if (p.type().equals("direct")) {
            if (p.userId() == null) throw HubbubException.badRequest("field 'userId' is required for a direct chat");
            if (p.name() != null || p.members() != null) throw HubbubException.badRequest("a direct chat has no name or members list");
            if (p.userId().equals(me)) throw HubbubException.badRequest("a direct chat needs another user");
            String key = ChatRules.directKey(me, p.userId());
            return ChatStore.write(db, h -> {
                if (FriendStore.blockedEitherWay(h, me, p.userId())) throw HubbubException.forbidden("blocked");
                var existing = store.directChat(h, key);
                if (existing.isPresent()) return new Created(chatReply(h, existing.get(), false), null);
                Model.Chat c = new Model.Chat(newId(), Kind.DIRECT, null, null, null, null, 0, now, now);
                store.insertChat(h, c, key);
                store.addMember(h, c.id(), me, Role.MEMBER, now);
                store.addMember(h, c.id(), p.userId(), Role.MEMBER, now);
                return new Created(chatReply(h, c, true), null);
            });
        }
        if (p.userId() != null) throw HubbubException.badRequest("a group chat takes 'members', not 'userId'");
        if (p.name() == null) throw HubbubException.badRequest("field 'name' is required for a group chat");
        Set<String> members = new LinkedHashSet<>(p.members() == null ? List.of() : p.members());
        members.remove(me);
        ChatRules.requireRoom(1, members.size(), settings.maxMembers());
        Model.Chat c = new Model.Chat(newId(), Kind.GROUP, p.name(), p.image(), p.description(), me, 0, now, now);
        ObjectNode reply = ChatStore.write(db, h -> {
            for (String u : members) if (FriendStore.blockedEitherWay(h, me, u)) throw HubbubException.forbidden("blocked by or blocking '" + u + "'");
            store.insertChat(h, c, null);
            store.addMember(h, c.id(), me, Role.OWNER, now);
            for (String u : members) store.addMember(h, c.id(), u, Role.MEMBER, now);
            return chatReply(h, c, true);
        });
        for (String u : members) notifications.notify(u, "chat:added", Json.object().put("chatId", c.id()).put("by", me).put("name", c.name()));
        return new Created(reply, system(c.id(), me, "created", me + " created the chat", Json.object()));
    }

    private ObjectNode chatReply(Handle h, Model.Chat c, boolean created) {
        ObjectNode chat = c.json();
        ArrayNode ms = chat.putArray("members");
        for (Model.Member m : store.members(h, c.id())) ms.add(m.json());
        ObjectNode r = Json.object();
        r.set("chat", chat);
        return r.put("created", created);
    }

    ObjectNode get(String me, String chatId) {
        return db.withHandle(h -> {
            Model.Chat c = requireChat(h, chatId);
            Model.Member m = requireMember(h, chatId, me);
            ObjectNode r = chatReply(h, c, false);
            r.remove("created");
            ((ObjectNode) r.get("chat")).put("unread", ChatRules.unread(c.lastSeq(), m.lastRead())).put("muted", m.muted());
            return r;
        });
    }

    ObjectNode list(String me) {
        return db.withHandle(h -> {
            ArrayNode chats = Model.array();
            long total = 0;
            for (var e : store.chatsOf(h, me, 5000)) {
                long unread = ChatRules.unread(e.getKey().lastSeq(), e.getValue().lastRead());
                total += unread;
                chats.add(e.getKey().json().put("role", e.getValue().role().wire()).put("lastRead", e.getValue().lastRead())
                        .put("unread", unread).put("muted", e.getValue().muted()));
            }
            ObjectNode r = Json.object();
            r.set("chats", chats);
            return r.put("totalUnread", total);
        });
    }

    /** The changed chat and the system message announcing the change (or null). */
    record Change(ObjectNode reply, Model.Draft systemMessage, List<String> added, List<String> removed) {}

    Change update(String me, ChatPayloads.UpdateChat p) {
        if (p.name() == null && p.image() == null && p.description() == null) throw HubbubException.badRequest("nothing to update");
        return ChatStore.write(db, h -> {
            Model.Chat c = requireChat(h, p.chatId());
            ChatRules.requireManager(c.kind(), requireMember(h, c.id(), me).role(), "be renamed or changed");
            store.updateChat(h, c.id(), p.name(), p.image(), p.description(), clock.millis());
            Model.Chat now = requireChat(h, c.id());
            String text = p.name() != null ? me + " renamed the chat to " + p.name() : me + " changed the chat";
            return new Change(chatReply(h, now, false), system(c.id(), me, p.name() != null ? "renamed" : "updated", text,
                    Json.object().put("name", now.name())), List.of(), List.of());
        });
    }

    Change addMembers(String me, ChatPayloads.AddMembers p) {
        long now = clock.millis();
        Change ch = ChatStore.write(db, h -> {
            Model.Chat c = requireChat(h, p.chatId());
            ChatRules.requireManager(c.kind(), requireMember(h, c.id(), me).role(), "add members");
            Set<String> fresh = new LinkedHashSet<>(p.userIds());
            fresh.removeIf(u -> store.member(h, c.id(), u).isPresent());
            if (fresh.isEmpty()) throw new HubbubException(ErrorCode.CONFLICT, "already members");
            ChatRules.requireRoom(store.memberCount(h, c.id()), fresh.size(), settings.maxMembers());
            for (String u : fresh) if (FriendStore.blockedEitherWay(h, me, u)) throw HubbubException.forbidden("blocked by or blocking '" + u + "'");
            for (String u : fresh) store.addMember(h, c.id(), u, Role.MEMBER, now);
            ArrayNode ids = Model.array();
            fresh.forEach(ids::add);
            ObjectNode d = Json.object();
            d.set("userIds", ids);
            return new Change(chatReply(h, requireChat(h, c.id()), false),
                    system(c.id(), me, "members_added", me + " added " + String.join(", ", fresh), d), List.copyOf(fresh), List.of());
        });
        for (String u : ch.added()) notifications.notify(u, "chat:added", Json.object().put("chatId", p.chatId()).put("by", me));
        return ch;
    }

    Change removeMember(String me, ChatPayloads.MemberRef p) {
        return ChatStore.write(db, h -> {
            Model.Chat c = requireChat(h, p.chatId());
            Role actor = requireMember(h, c.id(), me).role();
            if (p.userId().equals(me)) throw HubbubException.badRequest("use chat:leave to leave a chat");
            Model.Member target = store.member(h, c.id(), p.userId()).orElseThrow(() -> HubbubException.notFound("'" + p.userId() + "' is not a member"));
            ChatRules.requireCanRemove(c.kind(), actor, target.role());
            store.removeMember(h, c.id(), p.userId());
            return new Change(chatReply(h, c, false), system(c.id(), me, "member_removed", me + " removed " + p.userId(),
                    Json.object().put("userId", p.userId())), List.of(), List.of(p.userId()));
        });
    }

    Change leave(String me, String chatId) {
        return ChatStore.write(db, h -> {
            Model.Chat c = requireChat(h, chatId);
            Role actor = requireMember(h, chatId, me).role();
            ChatRules.requireCanLeave(c.kind(), actor, store.memberCount(h, chatId));
            store.removeMember(h, chatId, me);
            return new Change(Json.object().put("left", true), system(chatId, me, "member_left", me + " left",
                    Json.object().put("userId", me)), List.of(), List.of(me));
        });
    }

    Change setRole(String me, ChatPayloads.SetRole p) {
        return ChatStore.write(db, h -> {
            Model.Chat c = requireChat(h, p.chatId());
            ChatRules.requireOwner(c.kind(), requireMember(h, c.id(), me).role(), "promote or demote");
            Model.Member t = store.member(h, c.id(), p.userId()).orElseThrow(() -> HubbubException.notFound("'" + p.userId() + "' is not a member"));
            if (t.role() == Role.OWNER) throw HubbubException.forbidden("the owner's role changes only by transfer");
            store.setRole(h, c.id(), p.userId(), Role.of(p.role()));
            return new Change(chatReply(h, c, false), system(c.id(), me, "role_changed", me + " made " + p.userId() + " " + p.role(),
                    Json.object().put("userId", p.userId()).put("role", p.role())), List.of(), List.of());
        });
    }

    Change transfer(String me, ChatPayloads.MemberRef p) {
        return ChatStore.write(db, h -> {
            Model.Chat c = requireChat(h, p.chatId());
            ChatRules.requireOwner(c.kind(), requireMember(h, c.id(), me).role(), "transfer ownership");
            if (p.userId().equals(me)) throw HubbubException.badRequest("already the owner");
            store.member(h, c.id(), p.userId()).orElseThrow(() -> HubbubException.notFound("'" + p.userId() + "' is not a member"));
            store.setRole(h, c.id(), p.userId(), Role.OWNER);
            store.setRole(h, c.id(), me, Role.ADMIN);
            store.setOwner(h, c.id(), p.userId());
            return new Change(chatReply(h, requireChat(h, c.id()), false), system(c.id(), me, "owner_changed",
                    me + " made " + p.userId() + " the owner", Json.object().put("userId", p.userId())), List.of(), List.of());
        });
    }

    ObjectNode mute(String me, ChatPayloads.Mute p) {
        return ChatStore.write(db, h -> {
            requireChat(h, p.chatId());
            requireMember(h, p.chatId(), me);
            store.setMuted(h, p.chatId(), me, p.muted());
            return Json.object().put("chatId", p.chatId()).put("muted", p.muted());
        });
    }

    // ------------------------------------------------------------------ receipts

    /** Marks read up to {@code seq} (default: the end); every member (and the reader's other devices) gets {@code chat:read}. */
    ObjectNode read(String me, ChatPayloads.Read p) {
        ObjectNode[] event = new ObjectNode[1];
        List<String> members = new ArrayList<>();
        ObjectNode reply = ChatStore.write(db, h -> {
            Model.Chat c = requireChat(h, p.chatId());
            requireMember(h, c.id(), me);
            long seq = p.seq() == null ? c.lastSeq() : p.seq();
            if (seq > c.lastSeq()) throw HubbubException.badRequest("seq " + seq + " is beyond the chat's last message " + c.lastSeq());
            store.advanceRead(h, c.id(), me, seq);
            Model.Member m = store.member(h, c.id(), me).orElseThrow();
            members.addAll(store.memberIds(h, c.id()));
            event[0] = Json.object().put("chatId", c.id()).put("userId", me).put("seq", m.lastRead());
            return Json.object().put("chatId", c.id()).put("lastRead", m.lastRead()).put("unread", ChatRules.unread(c.lastSeq(), m.lastRead()));
        });
        delivery.toUsers(members, "chat:read", event[0], null);
        return reply;
    }

    /** Marks delivered up to {@code seq} (a client got the messages); members see it as {@code chat:delivered}. */
    ObjectNode delivered(String me, ChatPayloads.Read p) {
        List<String> members = new ArrayList<>();
        long[] mark = new long[1];
        ObjectNode reply = ChatStore.write(db, h -> {
            Model.Chat c = requireChat(h, p.chatId());
            requireMember(h, c.id(), me);
            long seq = p.seq() == null ? c.lastSeq() : p.seq();
            if (seq > c.lastSeq()) throw HubbubException.badRequest("seq " + seq + " is beyond the chat's last message " + c.lastSeq());
            store.advanceDelivered(h, c.id(), me, seq);
            mark[0] = store.member(h, c.id(), me).orElseThrow().lastDelivered();
            members.addAll(store.memberIds(h, c.id()));
            return Json.object().put("chatId", c.id()).put("lastDelivered", mark[0]);
        });
        delivery.toUsers(members, "chat:delivered", Json.object().put("chatId", p.chatId()).put("userId", me).put("seq", mark[0]), me);
        return reply;
    }

    ObjectNode markUnread(String me, ChatPayloads.MarkUnread p) {
        ObjectNode reply = ChatStore.write(db, h -> {
            Model.Chat c = requireChat(h, p.chatId());
            requireMember(h, c.id(), me);
            if (p.seq() > c.lastSeq()) throw HubbubException.badRequest("seq " + p.seq() + " is beyond the chat's last message " + c.lastSeq());
            store.setRead(h, c.id(), me, p.seq() - 1);
            return Json.object().put("chatId", c.id()).put("lastRead", p.seq() - 1).put("unread", ChatRules.unread(c.lastSeq(), p.seq() - 1));
        });
        delivery.toUser(me, "chat:unread", reply.deepCopy()); // the user's other devices update their badge
        return reply;
    }

    // ------------------------------------------------------------------ messages

    ObjectNode history(String me, ChatPayloads.History p) {
        int anchors = (p.before() != null ? 1 : 0) + (p.after() != null ? 1 : 0) + (p.around() != null ? 1 : 0) + (p.date() != null ? 1 : 0);
        if (anchors > 1) throw HubbubException.badRequest("give at most one of before, after, around, date");
        int limit = Math.min(p.limit() == null ? 50 : p.limit(), settings.maxPage());
        return db.withHandle(h -> {
            Model.Chat c = requireChat(h, p.chatId());
            Model.Member m = requireMember(h, c.id(), me);
            ArrayNode out = Model.array();
            for (Model.Message msg : MessageStore.history(h, c.id(), p, limit)) out.add(msg.json());
            ObjectNode r = Json.object().put("chatId", c.id()).put("lastSeq", c.lastSeq()).put("lastRead", m.lastRead());
            r.set("messages", out);
            return r;
        });
    }

    /** Checks a send and builds its draft (reply preview included); nothing is stored yet. */
    Model.Draft checkSend(String me, ChatPayloads.NewMessage p) {
        checkText(p);
        return db.withHandle(h -> checkSend(h, me, p));
    }

    /** The checks of a send that need no database (bad input fails before it queues for one). */
    void checkText(ChatPayloads.NewMessage p) {
        boolean hasAttachments = p.attachments() != null && !p.attachments().isEmpty();
        if (p.text().strip().isEmpty() && !hasAttachments) throw HubbubException.badRequest("field 'text' must not be empty");
        if (p.text().codePointCount(0, p.text().length()) > settings.maxTextLength())
            throw new HubbubException(ErrorCode.TOO_LARGE, "field 'text' is over " + settings.maxTextLength() + " characters");
    }

    /** The database checks of a send (after {@link #checkText}) on the caller's handle; the draft to store. */
    Model.Draft checkSend(Handle h, String me, ChatPayloads.NewMessage p) {
        SendAccess.Chat access = store.access.chat(h, store, p.chatId());
        ObjectNode preview = null;
        if (p.replyTo() != null) {
            checkAccess(me, p, access); // a non-member learns nothing about the replied message
            Model.Message r = MessageStore.message(h, p.replyTo()).orElseThrow(() -> HubbubException.notFound("no message '" + p.replyTo() + "'"));
            if (!r.chatId().equals(p.chatId())) throw HubbubException.badRequest("a reply must be to a message of the same chat");
            preview = Json.object().put("id", r.id()).put("senderId", r.senderId()).put("excerpt", ChatRules.excerpt(r.text(), r.deleted()));
        }
        return draft(me, p, access, preview);
    }

    /**
     * The checks of a send that is not a reply against its chat as held in memory ({@code access}): no
     * database, so it may run on the connection's thread. The draft to store.
     */
    Model.Draft draft(String me, ChatPayloads.NewMessage p, SendAccess.Chat access, ObjectNode replyPreview) {
        checkAccess(me, p, access);
        boolean hasAttachments = p.attachments() != null && !p.attachments().isEmpty();
        ObjectNode extra = null;
        if (hasAttachments) (extra = Json.object()).set("attachments", Json.MAPPER.valueToTree(p.attachments()));
        if (p.mentions() != null && !p.mentions().isEmpty()) {
            for (String u : p.mentions())
                if (!access.members().contains(u)) throw HubbubException.badRequest("mention of '" + u + "', who is not a member");
            (extra == null ? (extra = Json.object()) : extra).set("mentions", Json.MAPPER.valueToTree(new LinkedHashSet<>(p.mentions())));
        }
        return new Model.Draft(newId(), p.chatId(), me, p.clientId(), "text", p.text(), p.replyTo(), replyPreview, extra, clock.millis());
    }

    private static void checkAccess(String me, ChatPayloads.NewMessage p, SendAccess.Chat access) {
        if (!access.members().contains(me)) throw HubbubException.forbidden("not a participant of chat '" + p.chatId() + "'");
        if (access.kind() == Kind.DIRECT && access.blocked()) throw HubbubException.forbidden("blocked");
    }

    ObjectNode edit(String me, ChatPayloads.EditMessage p) {
        if (p.text().isBlank()) throw HubbubException.badRequest("field 'text' must not be empty");
        if (p.text().codePointCount(0, p.text().length()) > settings.maxTextLength())
            throw new HubbubException(ErrorCode.TOO_LARGE, "field 'text' is over " + settings.maxTextLength() + " characters");
        return changeMessage(me, p.messageId(), "edited", (h, m) -> MessageStore.editMessage(h, m.id(), p.text(), clock.millis()), "message:edited");
    }

    ObjectNode delete(String me, ChatPayloads.MessageRef p) {
        return changeMessage(me, p.messageId(), "deleted", (h, m) -> MessageStore.deleteMessage(h, m.id(), clock.millis()), "message:deleted");
    }

    /** Edit or delete on behalf of server code (HTTP with an API key): no sender or window check. */
    ObjectNode changeAsServer(String messageId, String text) {
        return changeMessage(null, messageId, text == null ? "deleted" : "edited", (h, m) -> {
            if (text == null) MessageStore.deleteMessage(h, m.id(), clock.millis());
            else MessageStore.editMessage(h, m.id(), text, clock.millis());
        }, text == null ? "message:deleted" : "message:edited");
    }

    private ObjectNode changeMessage(String me, String messageId, String what, java.util.function.BiConsumer<Handle, Model.Message> change, String event) {
        List<String> members = new ArrayList<>();
        ObjectNode msg = ChatStore.write(db, h -> {
            Model.Message m = MessageStore.message(h, messageId).orElseThrow(() -> HubbubException.notFound("no message '" + messageId + "'"));
            if (me != null) {
                requireMember(h, m.chatId(), me);
                ChatRules.requireCanChange(m.senderId(), me, m.kind(), m.deleted(), m.createdAt(), clock.millis(), settings.editWindow(), what);
            } else if (m.deleted()) throw HubbubException.notFound("the message was deleted");
            change.accept(h, m);
            members.addAll(store.memberIds(h, m.chatId()));
            return MessageStore.message(h, messageId).orElseThrow().json();
        });
        ObjectNode push = Json.object();
        push.set("message", msg);
        delivery.toUsers(members, event, push, null);
        return push.deepCopy();
    }

    ObjectNode react(String me, ChatPayloads.React p) {
        List<String> members = new ArrayList<>();
        boolean[] on = new boolean[1];
        ObjectNode msg = ChatStore.write(db, h -> {
            Model.Message m = MessageStore.message(h, p.messageId()).orElseThrow(() -> HubbubException.notFound("no message '" + p.messageId() + "'"));
            requireMember(h, m.chatId(), me);
            if (m.deleted()) throw HubbubException.notFound("the message was deleted");
            on[0] = MessageStore.toggleReaction(h, m.id(), me, p.emoji(), clock.millis());
            members.addAll(store.memberIds(h, m.chatId()));
            return MessageStore.message(h, m.id()).orElseThrow().json();
        });
        ObjectNode push = Json.object().put("chatId", msg.path("chatId").asText()).put("messageId", p.messageId())
                .put("userId", me).put("emoji", p.emoji()).put("on", on[0]);
        push.set("reactions", msg.get("reactions"));
        delivery.toUsers(members, "message:reaction", push, null);
        return push.deepCopy();
    }

    // ------------------------------------------------------------------ checks

    Model.Chat requireChat(Handle h, String chatId) {
        return store.chat(h, chatId).orElseThrow(() -> HubbubException.notFound("no chat '" + chatId + "'"));
    }

    Model.Member requireMember(Handle h, String chatId, String userId) {
        return store.member(h, chatId, userId).orElseThrow(() -> HubbubException.forbidden("not a participant of chat '" + chatId + "'"));
    }

    List<String> memberIds(String chatId) {
        return db.withHandle(h -> store.memberIds(h, chatId));
    }

    Map.Entry<Model.Chat, List<String>> chatAndMembers(String me, String chatId) {
        return db.withHandle(h -> {
            Model.Chat c = requireChat(h, chatId);
            requireMember(h, chatId, me);
            return Map.entry(c, store.memberIds(h, chatId));
        });
    }
}
