/**
 * The in-memory engine: every {@link io.hubbub.core.engine.Engine} part kept in this process, for a
 * single node ({@code engine: memory}). Nothing survives a restart; a restarted node gives every
 * channel a new history epoch, so clients see {@code recovered: false} rather than a silent gap.
 *
 * <p>Every class here is safe for concurrent use from any thread, and every returned future is
 * already complete when the method returns (completed on the caller's thread). Every structure is
 * bounded, by a TTL swept by {@link io.hubbub.core.engine.memory.MemoryEngine} or by a fixed capacity.
 */
package io.hubbub.core.engine.memory;
