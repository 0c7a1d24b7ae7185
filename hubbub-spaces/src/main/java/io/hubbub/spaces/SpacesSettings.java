package io.hubbub.spaces;

import io.hubbub.core.config.Checks;
import io.hubbub.core.config.Doc;
import io.hubbub.core.feature.FeatureSettings;

import java.util.Locale;

/** The {@code features.spaces} configuration section. */
public record SpacesSettings(
        @Doc("Serve the seed-004 HTTP contract under /api/v1, its WebSocket frames and the space:* events.") boolean enabled,
        @Doc("Whether POST /api/v1/signup may create admins: auto = yes outside --production, no in production; on; off.") AdminSignup adminSignup,
        @Doc("WebSocket path of the seed's frame format ({type, payload}).") String wsPath,
        @Doc("Largest width or height of a space or map, in tiles.") int maxDimension,
        @Doc("Most elements placed in one space or map.") int maxElements,
        @Doc("Most members of one space at once.") int maxMembers,
        @Doc("Accepted moves per second per member (sustained); more are rejected with the current position.") int movesPerSecond,
        @Doc("Moves a member may make in a burst above movesPerSecond.") int moveBurst,
        @Doc("Longest chat message, in characters.") int maxMessageLength,
        @Doc("Chebyshev distance (tiles) within which members form a proximity group.") int proximityDistance,
        @Doc("Most members of one proximity group; a full group is not joined.") int proximityMaxGroup,
        @Doc("Above this many members a space sends each member only the movement within viewRadius (area of interest).") int aoiAbove,
        @Doc("Chebyshev radius (tiles) of a member's area of interest in a big space.") int viewRadius,
        @Doc("Ticks per second: movement batching and position persistence run once per tick.") int tickHz,
        @Doc("Batch movement: a member gets at most one movement frame per tick (the first move of a tick goes out at once).") boolean batchMovement)
        implements FeatureSettings {

    /** Who may sign up as an admin through the seed's contract. */
    public enum AdminSignup {
        AUTO, ON, OFF;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean allowed(boolean production) {
            return this == ON || (this == AUTO && !production);
        }
    }

    public static SpacesSettings defaults() {
        return new SpacesSettings(true, AdminSignup.AUTO, "/api/v1/ws", 1000, 10_000, 2000, 10, 5, 500, 3, 4, 100, 10, 20, true);
    }

    @Override
    public void validate(Checks c, String prefix) {
        c.require(wsPath != null && wsPath.startsWith("/") && !wsPath.equals("/ws"), prefix + "wsPath", "must be a path other than /ws, got " + wsPath);
        c.range(prefix + "maxDimension", maxDimension, 1, 100_000);
        c.range(prefix + "maxElements", maxElements, 0, 1_000_000);
        c.range(prefix + "maxMembers", maxMembers, 1, 100_000);
        c.range(prefix + "movesPerSecond", movesPerSecond, 1, 1000);
        c.range(prefix + "moveBurst", moveBurst, 1, 1000);
        c.range(prefix + "maxMessageLength", maxMessageLength, 1, 2000);
        c.range(prefix + "proximityDistance", proximityDistance, 1, 1000);
        c.range(prefix + "proximityMaxGroup", proximityMaxGroup, 2, 100);
        c.range(prefix + "aoiAbove", aoiAbove, 1, 1_000_000);
        c.range(prefix + "viewRadius", viewRadius, 1, 100_000);
        c.range(prefix + "tickHz", tickHz, 1, 100);
    }
}
