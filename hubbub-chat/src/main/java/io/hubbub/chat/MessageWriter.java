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
 * queued (up to {@code batch}) and commits it in ONE transaction ({@link ChatStore#commit}), so the cost
 * of a commit (an fsync) is shared by every message of the batch instead of paid per message.
 *
 * <p>Contract: a returned future completes only after the message's transaction committed (with the
 * stored message, or the earlier one with the same client id), or fails with {@code unavailable}
 * (queue full, database down: nothing stored). {@code onCommitted} runs on the writer thread after each
 * commit, with the batch in sequence order per chat, before the futures complete — pushes made there
 * leave in sequence order. If a batch fails for a reason other than the database being unreachable,
 * its messages are retried one per transaction, so one bad message fails alone.
 */
final class MessageWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MessageWriter.class);

    record Pending(Model.Draft draft, CompletableFuture<ChatStore.Committed> done) {}

    private final Database db;
    private final ChatStore store;
    private final ArrayBlockingQueue<Pending> queue;
    private final int batch;
    private final java.util.function.Consumer<ChatStore.Batch> onCommitted;
    private final Thread thread;
    private volatile boolean running = true;

    MessageWriter(Database db, ChatStore store, int capacity, int batch,
                  java.util.function.Consumer<ChatStore.Batch> onCommitted) {
        this.db = db;
        this.store = store;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.batch = batch;
        this.onCommitted = onCommitted;
        this.thread = Thread.ofPlatform().name("hubbub-chat-writer").daemon().unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** Queues a message; never blocks. */
    CompletableFuture<ChatStore.Committed> submit(Model.Draft draft) {
        CompletableFuture<ChatStore.Committed> f = new CompletableFuture<>();
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
            ChatStore.Batch result = ChatStore.write(db, h -> store.commit(h, taken.stream().map(Pending::draft).toList()));
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

    private void finish(List<Pending> taken, ChatStore.Batch result) {
        try {
            onCommitted.accept(result);
        } catch (RuntimeException e) {
            log.warn("chat push after commit failed", e); // stored and acknowledged; clients catch up by seq
        }
        for (int i = 0; i < taken.size(); i++) {
            ChatStore.Committed c = result.outcomes().get(i);
            if (c == null) taken.get(i).done().completeExceptionally(HubbubException.notFound("no chat '" + taken.get(i).draft().chatId() + "'"));
            else taken.get(i).done().complete(c);
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
