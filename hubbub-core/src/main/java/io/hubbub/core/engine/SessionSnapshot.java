package io.hubbub.core.engine;

import java.util.Set;

/**
 * What a disconnected session needs to be resumed: its user and the rooms and topics it was in.
 * Stored under the session id; the resume token held by the client is an HMAC of that id.
 */
public record SessionSnapshot(String sessionId, String userId, Set<String> rooms, Set<String> topics, long savedAt) {}
