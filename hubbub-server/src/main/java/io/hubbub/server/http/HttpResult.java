package io.hubbub.server.http;

import com.fasterxml.jackson.databind.JsonNode;

/** A route's answer: a status and a JSON body, or raw text with its content type. */
public record HttpResult(int status, JsonNode json, String text, String contentType) {
    public static HttpResult ok(JsonNode body) {
        return new HttpResult(200, body, null, null);
    }

    public static HttpResult status(int status, JsonNode body) {
        return new HttpResult(status, body, null, null);
    }

    public static HttpResult text(int status, String text, String contentType) {
        return new HttpResult(status, null, text, contentType);
    }
}
