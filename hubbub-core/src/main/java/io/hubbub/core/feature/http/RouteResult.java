package io.hubbub.core.feature.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.protocol.Json;

/** A route's answer: an HTTP status and a JSON body. */
public record RouteResult(int status, JsonNode body) {

    public static RouteResult ok(JsonNode body) {
        return new RouteResult(200, body);
    }

    /** 200 with a record or any Jackson-serialisable value as the body. */
    public static RouteResult ok(Object value) {
        return new RouteResult(200, Json.MAPPER.valueToTree(value));
    }

    public static RouteResult created(Object value) {
        return new RouteResult(201, Json.MAPPER.valueToTree(value));
    }

    public static RouteResult noContent() {
        return new RouteResult(204, null);
    }
}
