package io.hubbub.core.engine;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One message published to a channel.
 *
 * @param event          event name delivered to receivers, e.g. {@code message:new}, {@code presence:join}
 * @param data           event payload (a JSON object)
 * @param offset         position in the channel's history within its epoch; 0 when not recorded
 * @param time           epoch millis when the broker accepted it
 * @param excludeSession session id that must not receive it (publish to "everyone but the sender"); null for none
 * @param ephemeral      never recorded in history, and droppable for slow consumers (typing, cursors)
 */
public record Publication(String event, JsonNode data, long offset, long time, String excludeSession, boolean ephemeral) {

    public static Publication of(String event, JsonNode data) {
        return new Publication(event, data, 0, 0, null, false);
    }

    public Publication withPosition(long offset, long time) {
        return new Publication(event, data, offset, time, excludeSession, ephemeral);
    }
}
