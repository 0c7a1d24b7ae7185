package io.hubbub.core.engine;

/**
 * Receives publications for channels this node has subscribed to, from any node.
 * Called in channel order: for one channel, publications arrive in offset order, never concurrently.
 */
@FunctionalInterface
public interface BrokerHandler {
    void onPublication(String channel, Publication publication);
}
