package io.hubbub.core.api;

/**
 * This node's id in its cluster (the engine's {@code nodeId}), offered to features as a service
 * (e.g. to name themselves as a lease owner or in a {@code server_id} field).
 */
public record NodeIdentity(String nodeId) {}
