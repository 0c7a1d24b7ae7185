package io.hubbub.core.feature.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.auth.Principal;
import io.hubbub.core.protocol.Payloads;

/** One HTTP call as a feature's route handler sees it: no Netty types, already authorised per its {@link Access}. */
public interface RouteRequest {

    String method();

    String path();

    /** A path template parameter ({@code {id}}), URL-decoded. */
    String param(String name);

    /** The first value of a query parameter, or null. */
    String query(String name);

    String header(String name);

    /** The client's address (after trusted proxies). */
    String remoteAddress();

    /** The JSON object body; {@code bad_request} if absent, malformed or not an object. */
    JsonNode json();

    /** The caller, or null on an {@link Access#NONE} route called without credentials. */
    Principal principal();

    /** The body bound to {@code type} and validated (see {@link Payloads}); {@code bad_request} otherwise. */
    default <T> T body(Class<T> type) {
        return Payloads.bind(json(), type);
    }
}
