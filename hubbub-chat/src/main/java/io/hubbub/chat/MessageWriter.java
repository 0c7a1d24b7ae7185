package io.hubbub.chat;

import io.hubbub.core.protocol.ErrorCode;
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
 * Group commit for chat messages: sends wait in a bounded queue; one writer thread takes everything
 * queued (up to {@code batch}) and commits it in ONE transaction ({@link BatchCommit#commit}), so the cost
 * of a commit (an fsync) is shared by every message of the batch instead of paid per message.
 *
 * <p>Contract: a returned future completes only after the message's transaction committed (with the
 * stored message, or the earlier one with the same client id), or fails with {@code unavailable}
 * (queue full, database down: nothing stored). {@code onCommitted} runs after each commit, with the
 * batch in sequence order per chat, before the futures complete, on ONE acknowledging thread that takes
 * the committed batches in commit order — pushes made there leave in sequence order. The writer does
 * not wait for that: it commits the next batch while the previous one is pushed and acknowledged (at
 * most {@link #ACK_BACKLOG} committed batches wait; beyond, the writer waits). If a batch fails for a reason other than the database being unreachable,
 * its messages are retried one per transaction, so one bad message fails alone.
 *
 * <p>On SQLite the writer's commits never checkpoint the WAL themselves: a commit that crosses the
 * auto-checkpoint threshold would copy the WAL into the database file and fsync it before returning,
 * and every send waiting for that commit (and the next batch, queued behind it) pays for it: it was
 * the latency tail. A checkpoint thread does that work instead (PASSIVE, so it never blocks the writer),
 * shortly after commits; the WAL stays bounded by it.
 */
final class MessageWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MessageWriter.class);

    record Pending(Model.Draft draft, CompletableFuture<BatchCommit.Committed> done) {}

    private final Database db;
    private final ArrayBlockingQueue<Pending> queue;
    private final int batch;
    private final java.util.function.Consumer<BatchCommit.Batch> onCommitted;
    /** How often the checkpoint thread looks for new commits (SQLite). */
    static final long CHECKPOINT_EVERY_MS = 50;
    /** SQLite's default auto-checkpoint threshold (pages), restored on the connection after each batch. */
    private static final int SQLITE_AUTO_CHECKPOINT = 1000;

    /** Committed batches waiting for their pushes and acks; a full backlog makes the writer wait. */
    static final int ACK_BACKLOG = 4;

    private final Thread thread;
    private final Thread acker;
    private final ArrayBlockingQueue<Runnable> acks = new ArrayBlockingQueue<>(ACK_BACKLOG);
    private final Thread checkpointer;
    private final java.util.concurrent.atomic.AtomicLong commits = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean running = true;

    MessageWriter(Database db, int capacity, int batch,
                  java.util.function.Consumer<BatchCommit.Batch> onCommitted) {
        this(db, capacity, batch, onCommitted, true);
    }

    /** {@code backgroundCheckpoint} false: SQLite's own auto-checkpoint on the writer's commits (benchmark comparison). */
    MessageWriter(Database db, int capacity, int batch,
                  java.util.function.Consumer<BatchCommit.Batch> onCommitted, boolean backgroundCheckpoint) {
        this.db = db;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.batch = batch;
        this.onCommitted = onCommitted;
        this.thread = Thread.ofPlatform().name("hubbub-chat-writer").daemon().unstarted(this::run);
        this.acker = Thread.ofPlatform().name("hubbub-chat-acks").daemon().unstarted(this::acknowledge);
        this.checkpointer = backgroundCheckpoint && db.kind() == Database.Kind.SQLITE
                ? Thread.ofPlatform().name("hubbub-chat-checkpoint").daemon().unstarted(this::checkpoints) : null;
    }

    void start() {
        acker.start();
        thread.start();
        if (checkpointer != null) checkpointer.start();
    }

    /** Runs the committed batches' pushes and acks in commit order, until the writer ended and all are done. */
    private void acknowledge() {
        while (thread.isAlive() || !acks.isEmpty() || thread.getState() == Thread.State.NEW) {
            try {
                Runnable r = acks.poll(100, TimeUnit.MILLISECONDS);
                if (r != null) r.run();
            } catch (InterruptedException e) {
                if (!running) break;
            } catch (Throwable t) {
                log.error("chat acknowledgement failed", t);
            }
        }
    }

    /** Checkpoints the WAL after new commits, until the writer stops (one last time then). */
    private void checkpoints() {
        long done = 0;
        while (running) {
            try {
                Thread.sleep(CHECKPOINT_EVERY_MS);
            } catch (InterruptedException e) {
                break;
            }
            long now = commits.get();
            if (now == done) continue;
            done = now;
            try {
                db.withHandle(h -> h.createQuery("PRAGMA wal_checkpoint(PASSIVE)").mapToMap().list());
            } catch (RuntimeException e) {
                log.debug("WAL checkpoint failed (retried after the next commit): {}", e.toString());
            }
        }
    }

    /** Queues a message; never blocks. */
    CompletableFuture<BatchCommit.Committed> submit(Model.Draft draft) {
        CompletableFuture<BatchCommit.Committed> f = new CompletableFuture<>();
        if (!running || !queue.offer(new Pending(draft, f)))
            f.completeExceptionally(HubbubException.unavailable("the chat writer is overloaded; retry later"));
        return f;
    }

    int queued() {
        return queue.size();
    }

    private void run() {
        List<Pending> taken = new ArrayList<>(batch);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                taken.add(first);
                queue.drainTo(taken, batch - 1);
                write(taken);
            } catch (InterruptedException e) {
                if (!running) break;
            } catch (Throwable t) { // the writer must survive anything; every taken future gets an answer
                log.error("chat writer failed", t);
                for (Pending p : taken) p.done().completeExceptionally(HubbubException.from(t));
            } finally {
                taken.clear();
            }
        }
        for (Pending p; (p = queue.poll()) != null; )
            p.done().completeExceptionally(HubbubException.unavailable("the server is stopping"));
    }

    private void write(List<Pending> taken) {
        try {
            List<Model.Draft> drafts = taken.stream().map(Pending::draft).toList();
            BatchCommit.Batch result = checkpointer == null ? ChatStore.write(db, h -> BatchCommit.commit(h, drafts)) : db.withHandle(h -> {
                // this connection's commits leave checkpointing to the checkpoint thread; pooled, it gets the default back
                h.execute("PRAGMA wal_autocheckpoint = 0");
                try {
                    return h.inTransaction(t -> {
                        t.execute("DELETE FROM chat_blocks WHERE 1 = 0"); // the write lock first, as ChatStore.write
                        return BatchCommit.commit(t, drafts);
                    });
                } finally {
                    h.execute("PRAGMA wal_autocheckpoint = " + SQLITE_AUTO_CHECKPOINT);
                }
            });
            commits.incrementAndGet();
            finish(taken, result);
        } catch (RuntimeException e) {
            HubbubException he = e instanceof HubbubException x ? x : null;
            if (taken.size() == 1 || (he != null && he.code() == ErrorCode.UNAVAILABLE)) {
                HubbubException answer = he != null ? he : HubbubException.unavailable("message not stored; retry");
                if (he == null) log.warn("chat message not stored", e);
                for (Pending p : taken) p.done().completeExceptionally(answer);
                return;
            }
            for (Pending p : taken) write(List.of(p)); // isolate the bad one
        }
    }

    /** Hands a committed batch to the acknowledging thread (waits while its backlog is full). */
    private void finish(List<Pending> taken, BatchCommit.Batch result) {
        List<Pending> mine = List.copyOf(taken); // the writer reuses its list
        try {
            acks.put(() -> acknowledge(mine, result));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acknowledge(mine, result);
        }
    }

    private void acknowledge(List<Pending> taken, BatchCommit.Batch result) {
        try {
            onCommitted.accept(result);
        } catch (RuntimeException e) {
            log.warn("chat push after commit failed", e); // stored and acknowledged; clients catch up by seq
        }
        for (int i = 0; i < taken.size(); i++) {
            BatchCommit.Committed c = result.outcomes().get(i);
            if (c == null) taken.get(i).done().completeExceptionally(HubbubException.notFound("no chat '" + taken.get(i).draft().chatId() + "'"));
            else taken.get(i).done().complete(c);
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            if (checkpointer != null) checkpointer.interrupt();
            thread.join(5000);
            acker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
