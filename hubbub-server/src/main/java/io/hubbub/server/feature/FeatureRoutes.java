package io.hubbub.server.feature;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.auth.Principal;
import io.hubbub.core.auth.Role;
import io.hubbub.core.feature.http.Access;
import io.hubbub.core.feature.http.RouteHandler;
import io.hubbub.core.feature.http.RouteRequest;
import io.hubbub.core.feature.http.RouteResult;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.server.http.HttpApi;
import io.hubbub.server.http.HttpCall;
import io.hubbub.server.http.HttpResult;

/**
 * Puts a feature's routes on the server's HTTP API: the access rule is checked before the handler
 * runs (so a refused call never reaches feature code), and the handler sees a {@link RouteRequest}
 * instead of the server's {@link HttpCall}.
 */
final class FeatureRoutes {
    private FeatureRoutes() {}

    static void register(HttpApi api, String method, String template, Access access, RouteHandler handler) {
        api.route(method, template, call -> {
            Principal p = authorise(call, access);
            RouteResult r = handler.handle(new Request(call, p));
            if (r == null) throw new HubbubException(ErrorCode.INTERNAL, "route returned no result");
            return r.body() == null ? HttpResult.text(r.status(), "", "application/json") : HttpResult.status(r.status(), r.body());
        });
    }

    /** The caller if {@code access} admits it; {@code unauthorized} without credentials, {@code forbidden} otherwise. */
    static Principal authorise(HttpCall call, Access access) {
        if (access == Access.NONE) {
            try {
                return call.optionalPrincipal();
            } catch (HubbubException e) {
                return null; // an open route treats invalid credentials as none; the handler decides
            }
        }
        if (access == Access.USER_OR_ROOM_TOKEN) {
            Principal p = call.credentials();
            if (p == null) throw new HubbubException(io.hubbub.core.protocol.ErrorCode.UNAUTHORIZED,
                    "missing credentials: send Authorization: Bearer <token>");
            if (p.role() == Role.GUEST) throw HubbubException.forbidden("a signed-in user is required");
            return p;
        }
        Principal p = call.principal();
        switch (access) {
            case USER -> {
                if (p.role() == Role.GUEST) throw HubbubException.forbidden("a signed-in user is required");
                if (p.roomScope() != null) throw HubbubException.forbidden("a room-scoped token opens its room only");
            }
            case ADMIN -> {
                if (!p.isAdmin()) throw HubbubException.forbidden("admin only");
            }
            case API_KEY -> {
                if (p.role() != Role.SERVICE) throw HubbubException.forbidden("an API key is required (X-Api-Key)");
            }
            case NONE, USER_OR_ROOM_TOKEN -> { }
        }
        return p;
    }

    private record Request(HttpCall call, Principal principal) implements RouteRequest {
        @Override
        public String method() {
            return call.method();
        }

        @Override
        public String path() {
            return call.path();
        }

        @Override
        public String param(String name) {
            return call.param(name);
        }

        @Override
        public String query(String name) {
            return call.query(name);
        }

        @Override
        public String header(String name) {
            return call.header(name);
        }

        @Override
        public String remoteAddress() {
            return call.remoteAddress();
        }

        @Override
        public JsonNode json() {
            return call.json();
        }
    }
}
