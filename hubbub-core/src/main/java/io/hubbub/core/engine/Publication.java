package io.hubbub.core.engine;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One message published to a channel.
 *
 * @param event          event name delivered to receivers, e.g. {@code message:new}, {@code presence:join}
 * @param data           event payload (a JSON object); receivers get it with {@code offset}, {@code epoch}
 *                       and {@code ts} added when the publication is recorded
 * @param offset         position in the channel's history within its epoch; 0 when not recorded
 * @param epoch          the history epoch the offset belongs to; null when not recorded
 * @param time           epoch millis when the broker accepted it
 * @param excludeSession session id that must not receive it (publish to "everyone but the sender"); null for none
 * @param ephemeral      never recorded in history, and droppable for slow consumers (typing, cursors)
 */
public record Publication(String event, JsonNode data, long offset, String epoch, long time, String excludeSession,
                          boolean ephemeral) {

    public Publication(String event, JsonNode data, long offset, long time, String excludeSession, boolean ephemeral) {
        this(event, data, offset, null, time, excludeSession, ephemeral);
    }

    public static Publication of(String event, JsonNode data) {
        return new Publication(event, data, 0, null, 0, null, false);
    }

    public static Publication ephemeral(String event, JsonNode data, String excludeSession) {
        return new Publication(event, data, 0, null, 0, excludeSession, true);
    }

    public Publication excluding(String sessionId) {
        return new Publication(event, data, offset, epoch, time, sessionId, ephemeral);
    }

    public Publication withPosition(long offset, long time) {
        return new Publication(event, data, offset, epoch, time, excludeSession, ephemeral);
    }

    public Publication withPosition(long offset, String epoch, long time) {
        return new Publication(event, data, offset, epoch, time, excludeSession, ephemeral);
    }

    public boolean recorded() {
        return offset > 0;
    }
}
