package io.hubbub.redis;

import io.hubbub.core.engine.ClientInfo;
import java.util.List;

/**
 * Presence entries removed because their node stopped refreshing them (it died).
 *
 * @param channel   the channel
 * @param removed   the removed connections
 * @param usersLeft users with no connection left in the channel: send presence:leave for them
 */
public record PresenceExpiry(String channel, List<ClientInfo> removed, List<String> usersLeft) {}
