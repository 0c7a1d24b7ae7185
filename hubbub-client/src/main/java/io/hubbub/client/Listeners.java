package io.hubbub.client;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The client's listener lists. Registration is thread-safe; notification happens on the client's
 * serial dispatcher. A listener that throws is logged and the next one still runs.
 */
final class Listeners {
    private static final Logger log = LoggerFactory.getLogger(Listeners.class);

    private final Map<String, List<Consumer<JsonNode>>> byType = new ConcurrentHashMap<>();
    private final List<BiConsumer<String, JsonNode>> any = new CopyOnWriteArrayList<>();
    final List<Consumer<ConnectionState>> states = new CopyOnWriteArrayList<>();
    final List<Consumer<CloseEvent>> closes = new CopyOnWriteArrayList<>();
    final List<RecoveryListener> recoveries = new CopyOnWriteArrayList<>();

    Subscription on(String type, Consumer<JsonNode> listener) {
        List<Consumer<JsonNode>> list = byType.computeIfAbsent(type, t -> new CopyOnWriteArrayList<>());
        list.add(listener);
        return () -> list.remove(listener);
    }

    Subscription onAny(BiConsumer<String, JsonNode> listener) {
        return add(any, listener);
    }

    static <T> Subscription add(List<T> list, T listener) {
        list.add(listener);
        return () -> list.remove(listener);
    }

    /** Whether anyone listens for pushes of this type (lets the receive path skip the dispatch). */
    boolean wants(String type) {
        if (!any.isEmpty()) {
            return true;
        }
        List<Consumer<JsonNode>> list = byType.get(type);
        return list != null && !list.isEmpty();
    }

    void push(String type, JsonNode payload) {
        List<Consumer<JsonNode>> list = byType.get(type);
        if (list != null) {
            for (Consumer<JsonNode> l : list) {
                safely(() -> l.accept(payload), type);
            }
        }
        for (BiConsumer<String, JsonNode> l : any) {
            safely(() -> l.accept(type, payload), type);
        }
    }

    static <T> void each(List<T> list, Consumer<T> call, String what) {
        for (T l : list) {
            safely(() -> call.accept(l), what);
        }
    }

    private static void safely(Runnable call, String what) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("Hubbub client listener for {} threw", what, e);
        }
    }
}
