package io.hubbub.client;

import java.net.http.HttpClient;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * Process-wide resources shared by all clients, so that thousands of clients (benchmarks) cost two
 * threads, not thousands: one timer thread for timeouts, reconnect delays and heartbeat checks (its
 * tasks only enqueue work, never block), and one HttpClient for WebSocket handshakes (per-connection
 * timeouts are set on each WebSocket builder). Both are daemon and live as long as the JVM.
 */
final class Shared {
    private Shared() {
    }

    private static final class TimerHolder {
        static final ScheduledThreadPoolExecutor TIMER = create();

        private static ScheduledThreadPoolExecutor create() {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1,
                    Thread.ofPlatform().name("hubbub-client-timer").daemon(true).factory());
            // Cancelled request timeouts leave the queue at once instead of piling up for their delay.
            t.setRemoveOnCancelPolicy(true);
            return t;
        }
    }

    private static final class HttpHolder {
        static final HttpClient HTTP = HttpClient.newHttpClient();
    }

    static ScheduledThreadPoolExecutor timer() {
        return TimerHolder.TIMER;
    }

    static HttpClient http() {
        return HttpHolder.HTTP;
    }
}
