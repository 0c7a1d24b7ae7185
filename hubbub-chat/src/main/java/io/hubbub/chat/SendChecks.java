package io.hubbub.chat;

import io.hubbub.core.protocol.HubbubException;
import io.hubbub.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The database checks of {@code message:new} (chat exists, sender is a member, no block in a direct
 * chat, reply in the same chat, mentions of members) before a send queues for the writer.
 *
 * <p>A fixed number of check threads, each with a bounded queue; a thread takes everything queued (up
 * to {@link #BATCH}) and checks it on ONE pooled connection. Why: one blocking task per send, each
 * borrowing a connection, had thousands of sends waiting for the pool (4 connections on SQLite) under
 * load — past the pool's timeout they answered {@code unavailable}, and the group-commit writer waited
 * for a connection behind them, so throughput collapsed. Now checks hold at most {@code threads}
 * connections, and a full queue answers {@code unavailable} at once (nothing stored).
 *
 * <p>A sender's sends always go to the same thread (by user id), so they reach the writer, and get
 * their sequence numbers, in the order they were sent.
 *
 * <p>Most sends need no thread at all: a send that is not a reply, into a chat held in memory
 * ({@link SendAccess#cached}), is checked on the connection's own thread ({@link #tryInline}) and goes
 * straight to the writer — no queue, no thread wake-up, no future per send. It may do so only while
 * none of its sender's sends waits here (counted per sender in {@link #waiting}), so it never overtakes
 * an earlier send of the same connection.
 */
final class SendChecks {
    private static final Logger log = LoggerFactory.getLogger(SendChecks.class);
    /** Most checks run on one connection borrow. */
    static final int BATCH = 200;

    record Check(String me, ChatPayloads.NewMessage payload, CompletableFuture<Model.Draft> done) {}

    private final Database db;
    private final ChatService chats;
    private final List<ArrayBlockingQueue<Check>> queues = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    /** Senders with sends queued or being checked here, and how many; bounded by the queues' capacity. */
    private final java.util.concurrent.ConcurrentHashMap<String, Integer> waiting = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.LongAdder inline = new java.util.concurrent.atomic.LongAdder();
    private volatile boolean running = true;

    SendChecks(Database db, ChatService chats, int capacity, int threadCount) {
        this.db = db;
        this.chats = chats;
        for (int i = 0; i < threadCount; i++) {
            ArrayBlockingQueue<Check> q = new ArrayBlockingQueue<>(Math.max(1, capacity / threadCount));
            queues.add(q);
            threads.add(Thread.ofPlatform().name("hubbub-chat-check-" + i).daemon().unstarted(() -> run(q)));
        }
    }

    void start() {
        threads.forEach(Thread::start);
    }

    /**
     * The draft of a send checked right here, with no database (its text was checked already), or null
     * when it needs the check threads ({@link #submit}): a reply, a chat not held in memory, or an
     * earlier send of the same sender still waiting here. Throws the send's error when it is refused.
     * Call {@link #submit} right after a null on the same thread, so the order of one connection's sends holds.
     */
    Model.Draft tryInline(String me, ChatPayloads.NewMessage payload) {
        if (payload.replyTo() != null || waiting.containsKey(me)) return null;
        SendAccess.Chat access = chats.store.access.cached(payload.chatId());
        if (access == null) return null;
        inline.increment();
        return chats.draft(me, payload, access, null);
    }

    /** Sends checked on the connection's thread ({@link #tryInline}), refused ones included. */
    double inline() {
        return inline.sum();
    }

    /** Queues the checks of a send (its text was checked already); never blocks. */
    CompletableFuture<Model.Draft> submit(String me, ChatPayloads.NewMessage payload) {
        CompletableFuture<Model.Draft> f = new CompletableFuture<>();
        ArrayBlockingQueue<Check> q = queues.get(Math.floorMod(me.hashCode(), queues.size()));
        waiting.merge(me, 1, Integer::sum);
        if (!running || !q.offer(new Check(me, payload, f))) {
            done(me);
            f.completeExceptionally(HubbubException.unavailable("the chat is overloaded; retry later"));
        }
        return f;
    }

    /** A send of {@code me} left the check threads (after its future completed: the writer has it). */
    private void done(String me) {
        waiting.computeIfPresent(me, (k, n) -> n == 1 ? null : n - 1);
    }

    private void run(ArrayBlockingQueue<Check> q) {
        List<Check> taken = new ArrayList<>(BATCH);
        while (running || !q.isEmpty()) {
            try {
                Check first = q.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                taken.add(first);
                q.drainTo(taken, BATCH - 1);
                db.useHandle(h -> {
                    for (Check c : taken) {
                        try {
                            c.done().complete(chats.checkSend(h, c.me(), c.payload()));
                        } catch (HubbubException e) {
                            c.done().completeExceptionally(e);
                        } catch (RuntimeException e) { // the database failed under this check: nothing stored, retry
                            log.debug("send check failed: {}", e.toString());
                            c.done().completeExceptionally(HubbubException.unavailable("message not checked; retry"));
                        } finally {
                            done(c.me());
                        }
                    }
                });
            } catch (InterruptedException e) {
                if (!running) break;
            } catch (Throwable t) { // no connection (unavailable), or worse: every check taken gets an answer
                if (!(t instanceof HubbubException)) log.warn("chat send checks failed", t);
                for (Check c : taken) {
                    if (!c.done().isDone()) done(c.me());
                    c.done().completeExceptionally(HubbubException.from(t));
                }
            } finally {
                taken.clear();
            }
        }
        for (Check c; (c = q.poll()) != null; ) {
            done(c.me());
            c.done().completeExceptionally(HubbubException.unavailable("the server is stopping"));
        }
    }

    void close() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
