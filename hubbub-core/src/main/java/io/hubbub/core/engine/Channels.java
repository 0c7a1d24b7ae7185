package io.hubbub.core.engine;

/**
 * Broker channel names. One namespace for every engine, so a Redis deployment can be inspected:
 * {@code room:<id>} room traffic, {@code topic:<name>} server-pushed topics, {@code user:<id>}
 * messages to all connections of a user (also the key of the user's online presence),
 * {@code watch:<id>} online/offline changes of a user for its watchers.
 */
public final class Channels {
    private Channels() {}

    public static String room(String id) {
        return "room:" + id;
    }

    public static String topic(String name) {
        return "topic:" + name;
    }

    public static String user(String id) {
        return "user:" + id;
    }

    public static String watch(String id) {
        return "watch:" + id;
    }

    public static boolean isRoom(String channel) {
        return channel.startsWith("room:");
    }

    public static String roomId(String channel) {
        return channel.substring(5);
    }
}
