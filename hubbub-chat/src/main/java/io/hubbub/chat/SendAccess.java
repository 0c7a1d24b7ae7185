package io.hubbub.chat;

import io.hubbub.chat.ChatRules.Kind;
import io.hubbub.core.protocol.HubbubException;
import org.jdbi.v3.core.Handle;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a send needs to know about its chat (kind, members, a block between the two of a direct chat),
 * held in memory so that a send costs no query: before, every send ran its membership query (and a
 * block query in a direct chat) on a check thread.
 *
 * <p>Guarantee: on the node where a membership or block changes, sends see the change as soon as its
 * transaction committed ({@link #invalidate} runs in the transaction and again after the commit, and
 * a load that raced with an invalidation is not kept). A change made on ANOTHER node is seen after at
 * most {@code ttl} (features publish no membership events between nodes): a member removed there may
 * still send here for that long. {@code ttl} 0 turns the cache off (every send queries).
 *
 * <p>Bounded by the members held in all entries ({@code maxMembers}); past it the cache starts over.
 */
final class SendAccess {
    record Chat(Kind kind, Set<String> members, boolean blocked, long loadedAt) {}

    static final SendAccess OFF = new SendAccess(0, 0);

    private final long ttlNanos;
    private final long maxMembers;
    private final ConcurrentHashMap<String, Chat> chats = new ConcurrentHashMap<>();
    /** Bumped by every invalidation: a load that began before it is not kept. */
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong held = new AtomicLong();
    private final AtomicLong loads = new AtomicLong();

    SendAccess(long ttlNanos, long maxMembers) {
        this.ttlNanos = ttlNanos;
        this.maxMembers = maxMembers;
    }

    /**
     * The chat as held in memory if it is fresh (younger than {@code ttl}), else null: never a query, so
     * a send whose chat is loaded is checked on the caller's thread ({@link SendChecks#tryInline}).
     */
    Chat cached(String chatId) {
        if (ttlNanos <= 0) return null;
        Chat c = chats.get(chatId);
        return c != null && System.nanoTime() - c.loadedAt() < ttlNanos ? c : null;
    }

    /** The chat as a send sees it; {@code not_found} if there is none. */
    Chat chat(Handle h, ChatStore store, String chatId) {
        long now = System.nanoTime();
        if (ttlNanos > 0) {
            Chat c = chats.get(chatId);
            if (c != null && now - c.loadedAt() < ttlNanos) return c;
        }
        long gen = generation.get();
        Chat c = load(h, store, chatId, now);
        if (ttlNanos > 0 && c.members().size() <= maxMembers) {
            if (held.addAndGet(c.members().size()) > maxMembers) clear();
            Chat old = chats.put(chatId, c);
            if (old != null) held.addAndGet(-old.members().size());
            if (generation.get() != gen) invalidate(chatId); // an invalidation raced with this load
        }
        return c;
    }

    private Chat load(Handle h, ChatStore store, String chatId, long now) {
        loads.incrementAndGet();
        String kind = h.createQuery("SELECT kind FROM chat_chats WHERE id = ?").bind(0, chatId).mapTo(String.class).findOne()
                .orElseThrow(() -> HubbubException.notFound("no chat '" + chatId + "'"));
        Kind k = Kind.valueOf(kind.toUpperCase(java.util.Locale.ROOT));
        Set<String> members = Set.copyOf(store.memberIds(h, chatId));
        boolean blocked = false;
        if (k == Kind.DIRECT && members.size() == 2) {
            String[] two = members.toArray(String[]::new);
            blocked = FriendStore.blockedEitherWay(h, two[0], two[1]);
        }
        return new Chat(k, members, blocked, now);
    }

    /** The chat's members changed (in a transaction: call again after it committed). */
    void invalidate(String chatId) {
        generation.incrementAndGet();
        Chat old = chats.remove(chatId);
        if (old != null) held.addAndGet(-old.members().size());
    }

    /** A block was made or lifted (in a transaction: call again after it committed). */
    void invalidateAll() {
        generation.incrementAndGet();
        clear();
    }

    private void clear() {
        chats.clear();
        held.set(0);
    }

    /** Chats loaded from the database (a cache miss each). */
    long loads() {
        return loads.get();
    }
}
