package io.hubbub.chat;

import io.hubbub.core.protocol.Json;
import io.hubbub.store.Database;
import io.hubbub.store.EmbeddedPostgresHolder;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Persistence throughput of the group-commit writer against a one-transaction-per-message baseline
 * (the same writer with batch 1), on SQLite and PostgreSQL: 2,000 users in 200 group chats (10 each)
 * and in 1,000 direct chats. Measures stored messages/s and the latency from submit to commit
 * (p50/p99) with {@code inFlight} sends outstanding (as many clients waiting for their ack). No
 * network: it isolates the database path; results in docs/BENCHMARKS.md ("Chat persistence").
 *
 * <pre>java [-Dkinds=sqlite,postgresql] [-Dshapes=groups,directs] [-Dsearch=true] [-Drate=20000] [-Dbatch=500]
 *      [-Dbaseline=false] -cp … io.hubbub.chat.ChatWriteBench [messages] [inFlight]</pre>
 * {@code -Dcheckpoint=inline} lets SQLite checkpoint on the writer's commits (before: the comparison).
 * {@code -Drate} offers that many sends per second (open loop) to the group-commit writer instead of
 * keeping {@code inFlight} outstanding; the baseline always runs closed-loop.
 */
public final class ChatWriteBench {
    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 40_000;
        int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        // warm-up (JIT, drivers, class loading), not reported: otherwise the first configuration pays for it
        List<String> kinds = List.of(System.getProperty("kinds", "sqlite,postgresql").split(","));
        for (String kind : kinds) {
            try (Database db = open(kind)) {
                db.migrate("chat", "db/chat");
                run(db, kind, "warm-up", 500, setUp(db, "groups"), Math.min(messages, 10_000), inFlight, false);
            }
        }
        int batchSize = Integer.getInteger("batch", 500);
        int[] batches = Boolean.parseBoolean(System.getProperty("baseline", "true")) ? new int[] {batchSize, 1} : new int[] {batchSize};
        for (String kind : kinds) {
            for (String shape : System.getProperty("shapes", "groups,directs").split(",")) {
                for (int batch : batches) {
                    int n = batch == 1 ? messages / 10 : messages; // the baseline is slow: fewer messages, same rate
                    try (Database db = open(kind)) {
                        db.migrate("chat", "db/chat");
                        List<String[]> chats = setUp(db, shape);
                        run(db, kind, shape, batch, chats, n, Math.min(inFlight, batch == 1 ? 50 : inFlight), true);
                    }
                }
            }
        }
        System.exit(0);
    }

    /** A fresh database; with {@code -Dsearch=true} also the search index the server installs (FTS5 triggers / GIN). */
    static Database open(String kind) throws Exception {
        Database db = kind.equals("sqlite") ? Database.sqlite(Files.createTempDirectory("chat-bench"))
                : Database.open(EmbeddedPostgresHolder.freshDatabaseUrl(), "postgres", null, 8);
        if (Boolean.getBoolean("search")) {
            db.migrate("chat", "db/chat");
            new ChatSearch(db).install();
        }
        return db;
    }

    /** Chats with their members: 200 groups of 10, or 1,000 direct pairs (2,000 users either way). */
    static List<String[]> setUp(Database db, String shape) {
        List<String[]> chats = new ArrayList<>();
        ChatStore store = new ChatStore();
        long now = System.currentTimeMillis();
        int count = shape.equals("groups") ? 200 : 1000, size = shape.equals("groups") ? 10 : 2;
        db.useHandle(h -> h.useTransaction(t -> {
            for (int c = 0; c < count; c++) {
                String id = "c" + c;
                ChatRules.Kind kind = size == 2 ? ChatRules.Kind.DIRECT : ChatRules.Kind.GROUP;
                store.insertChat(t, new Model.Chat(id, kind, "n", null, null, null, 0, now, now), size == 2 ? "k" + c : null);
                String[] members = new String[size];
                for (int m = 0; m < size; m++) {
                    members[m] = "u" + (c * size + m);
                    store.addMember(t, id, members[m], m == 0 && size > 2 ? ChatRules.Role.OWNER : ChatRules.Role.MEMBER, now);
                }
                chats.add(new String[] {id, members[0], members[1]});
            }
        }));
        return chats;
    }

    static void run(Database db, String kind, String shape, int batch, List<String[]> chats, int n, int inFlight,
                    boolean report) throws Exception {
        java.util.concurrent.atomic.LongAdder commits = new java.util.concurrent.atomic.LongAdder();
        java.util.concurrent.atomic.LongAdder refused = new java.util.concurrent.atomic.LongAdder(); // queue full: 'unavailable'
        MessageWriter writer = new MessageWriter(db, Math.max(inFlight * 2, 20_000), batch, committed -> commits.increment(),
                !"inline".equals(System.getProperty("checkpoint")));
        writer.start();
        long[] latency = new long[n];
        java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(inFlight);
        List<CompletableFuture<?>> all = new ArrayList<>(n);
        // -Drate=R: an open loop (R sends/s whatever the answers; latency counted from each send's
        // scheduled time, so a stall is not hidden) instead of the closed loop of inFlight senders
        double rate = batch == 1 ? 0 : Double.parseDouble(System.getProperty("rate", "0"));
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long start;
            if (rate > 0) {
                start = t0 + (long) (i * 1e9 / rate);
                for (long wait; (wait = start - System.nanoTime()) > 0; ) if (wait > 100_000) java.util.concurrent.locks.LockSupport.parkNanos(wait - 50_000);
            } else {
                window.acquire();
                start = System.nanoTime();
            }
            String[] c = chats.get(ThreadLocalRandom.current().nextInt(chats.size()));
            int idx = i;
            Model.Draft d = new Model.Draft(ChatService.newId(), c[0], c[1 + (i & 1)], "b" + i, "text", "message " + i + " of the benchmark",
                    null, null, null, System.currentTimeMillis());
            all.add(writer.submit(d).whenComplete((r, e) -> {
                latency[idx] = System.nanoTime() - start;
                if (rate <= 0) window.release();
                if (e != null) refused.increment();
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).get(10, TimeUnit.MINUTES);
        double secs = (System.nanoTime() - t0) / 1e9;
        writer.close();
        long batches = commits.sum();
        Arrays.sort(latency);
        if (report) System.out.printf("%-10s %-7s batch=%-4d %-15s %7d msgs  %9.0f msgs/s  p50 %6.1f ms  p99 %6.1f ms  mean batch %5.1f  refused %d%n", kind, shape, batch,
                rate > 0 ? "rate=" + (long) rate : "inFlight=" + inFlight, n,
                (n - refused.sum()) / secs, latency[n / 2] / 1e6, latency[(int) (n * 0.99)] / 1e6, (double) n / Math.max(1, batches), refused.sum());
        Json.object(); // keep the core on the class path for the writer's types
    }
}
