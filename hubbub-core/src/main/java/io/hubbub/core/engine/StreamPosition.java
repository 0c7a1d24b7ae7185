package io.hubbub.core.engine;

/**
 * A position in a channel's history. The epoch names one continuous life of the history: when
 * history is lost (a memory engine restart, a Redis flush, expiry of an idle stream) the epoch
 * changes, and a client that saw another epoch cannot recover.
 */
public record StreamPosition(long offset, String epoch) {}
