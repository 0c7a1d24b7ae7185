package io.hubbub.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.auth.Principal;
import io.hubbub.core.auth.RoomScope;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.netty.handler.codec.http.HttpHeaders;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One HTTP API call as a route handler sees it (a copy: the Netty request is already released).
 * Handlers run on a virtual thread and may block.
 */
public final class HttpCall {
    private final String method;
    private final String path;
    private final Map<String, String> pathParams;
    private final Map<String, List<String>> query;
    private final HttpHeaders headers;
    private final byte[] body;
    private final String remoteAddress;
    private final Function<HttpCall, Principal> authenticator;
    private Principal principal;
    private boolean authenticated;

    HttpCall(String method, String path, Map<String, String> pathParams, Map<String, List<String>> query, HttpHeaders headers,
             byte[] body, String remoteAddress, Function<HttpCall, Principal> authenticator) {
        this.method = method;
        this.path = path;
        this.pathParams = pathParams;
        this.query = query;
        this.headers = headers;
        this.body = body;
        this.remoteAddress = remoteAddress;
        this.authenticator = authenticator;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    public String param(String name) {
        return pathParams.get(name);
    }

    public String query(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    public String header(String name) {
        return headers.get(name);
    }

    public String remoteAddress() {
        return remoteAddress;
    }

    /** The JSON body; {@code bad_request} if absent or malformed or not an object. */
    public JsonNode json() {
        if (body.length == 0) throw HubbubException.badRequest("a JSON body is required");
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            if (n == null || !n.isObject()) throw HubbubException.badRequest("the body must be a JSON object");
            return n;
        } catch (IOException e) {
            throw HubbubException.badRequest("malformed JSON body");
        }
    }

    /**
     * The caller (API key or bearer token), or null if the call carries no credentials. Invalid credentials
     * throw; so does a room token ({@code forbidden}): it opens its room over WebSocket and no HTTP route.
     */
    public Principal optionalPrincipal() {
        if (!authenticated) {
            principal = authenticator.apply(this);
            authenticated = true;
        }
        if (principal != null && principal.isRoomScoped()) throw RoomScope.forbidden();
        return principal;
    }

    /**
     * The caller's credentials as given, room tokens included (null without credentials; invalid ones
     * throw). Only for routes that declare they serve room tokens and confine them to their rooms.
     */
    public Principal credentials() {
        if (!authenticated) {
            principal = authenticator.apply(this);
            authenticated = true;
        }
        return principal;
    }

    public Principal principal() {
        Principal p = optionalPrincipal();
        if (p == null) throw new HubbubException(ErrorCode.UNAUTHORIZED, "missing credentials: send Authorization: Bearer <token>");
        return p;
    }

    /** An admin user or an API key. */
    public Principal admin() {
        Principal p = principal();
        if (!p.isAdmin()) throw HubbubException.forbidden("admin only");
        return p;
    }
}
