package io.hubbub.chain.listen;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The {@link ChainListener}'s socket thread: keeps one WebSocket to the node subscribed, pings it, and
 * on a close, an error or {@code silenceTimeout} without a frame reconnects with exponential backoff
 * ({@code reconnectMin} doubling to {@code reconnectMax}) and "equal jitter", rotating the URLs and
 * resubscribing everything (the session's subscription answers then ask for a backfill).
 */
final class SocketLoop {
    private static final Logger log = LoggerFactory.getLogger(ChainListener.class);

    private SocketLoop() {}

    static void run(ChainListener l) {
        int attempt = 0;
        while (l.running()) {
            String url = l.s.wsUrls().get(attempt % l.s.wsUrls().size());
            try {
                SocketSession session = new SocketSession(l);
                l.ws = l.http.newWebSocketBuilder().connectTimeout(l.s.rpcTimeout()).buildAsync(URI.create(url), session)
                        .get(l.s.rpcTimeout().toMillis(), TimeUnit.MILLISECONDS);
                l.lastMessageAt = System.nanoTime();
                session.subscribe(l.ws);
                attempt = 0;
                long ping = l.s.pingInterval().toMillis();
                while (l.running() && !session.closed) {
                    synchronized (session) {
                        session.wait(Math.min(ping, 1000));
                    }
                    if (session.closed) break;
                    if (System.nanoTime() - l.lastMessageAt > l.s.silenceTimeout().toNanos()) {
                        log.info("chain WebSocket silent for {}; reconnecting", l.s.silenceTimeout());
                        break;
                    }
                    if (System.nanoTime() - session.lastPing > TimeUnit.MILLISECONDS.toNanos(ping)) {
                        session.lastPing = System.nanoTime();
                        l.ws.sendPing(ByteBuffer.allocate(0));
                    }
                }
            } catch (InterruptedException e) {
                break;
            } catch (Exception e) {
                log.debug("chain WebSocket {}: {}", url, e.toString());
            }
            l.connected = false;
            WebSocket w = l.ws;
            if (w != null) w.abort();
            if (!l.running()) break;
            l.reconnects.increment();
            attempt++;
            long max = l.s.reconnectMax().toMillis();
            long base = Math.min(max, l.s.reconnectMin().toMillis() << Math.min(attempt - 1, 16));
            long delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1); // "equal jitter"
            ChainListener.sleepQuietly(delay);
        }
        l.connected = false;
    }

}
