package io.hubbub.server.http;

import io.hubbub.core.node.HubbubNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.session.CloseReason;
import io.hubbub.core.session.Session;

import java.util.concurrent.TimeUnit;

/** Rooms over HTTP for users ({@code /api/rooms}) and the admin API ({@code /api/admin/...}). */
public final class RoomRoutes {
    private RoomRoutes() {}

    public static void register(HttpApi api, HubbubNode node) {
        api.route("GET", "/api/rooms", call -> {
            call.principal();
            int limit = limit(call, 50, 200);
            return HttpResult.ok(node.rooms().list(call.query("after"), limit, false));
        });
        api.route("GET", "/api/rooms/{id}", call -> HttpResult.ok(node.rooms().get(call.principal(), call.param("id")).get(10, TimeUnit.SECONDS)));

        api.route("GET", "/api/admin/rooms", call -> {
            call.admin();
            int limit = limit(call, 100, 1000);
            return HttpResult.ok(node.rooms().list(call.query("after"), limit, true));
        });
        api.route("GET", "/api/admin/rooms/{id}", call -> HttpResult.ok(node.rooms().get(call.admin(), call.param("id")).get(10, TimeUnit.SECONDS)));
        api.route("DELETE", "/api/admin/rooms/{id}", call -> {
            String reason = call.query("reason") == null ? "closed by an administrator" : call.query("reason");
            node.rooms().close(call.admin(), call.param("id"), reason).get(10, TimeUnit.SECONDS);
            return HttpResult.ok(Json.object().put("closed", call.param("id")));
        });
        api.route("GET", "/api/admin/rooms/{id}/members", call -> {
            call.admin();
            node.rooms().get(call.admin(), call.param("id")).get(10, TimeUnit.SECONDS); // 404 for unknown rooms
            var out = Json.object();
            out.set("members", node.presence().members(call.param("id")).get(10, TimeUnit.SECONDS));
            return HttpResult.ok(out);
        });
        api.route("GET", "/api/admin/connections", call -> {
            call.admin();
            var out = Json.object().put("connections", node.connectionCount()).put("users", node.userCount());
            var byProtocol = out.putObject("byProtocol");
            var list = out.putArray("sessions");
            int shown = 0;
            for (Session s : node.sessions()) {
                String proto = s.transport().protocol();
                byProtocol.put(proto, byProtocol.path(proto).asInt(0) + 1);
                if (shown++ < 1000) {
                    list.addObject().put("id", s.id()).put("user", s.userId()).put("protocol", proto)
                            .put("address", s.transport().remoteAddress()).put("connectedAt", s.connectedAt())
                            .put("rooms", s.rooms().size());
                }
            }
            return HttpResult.ok(out);
        });
        api.route("POST", "/api/admin/users/{id}/disconnect", call -> {
            call.admin();
            int n = node.disconnectUser(call.param("id"), CloseReason.KICKED);
            return HttpResult.ok(Json.object().put("disconnected", n));
        });
    }

    /** The {@code limit} query parameter clamped to 1..max; {@code bad_request} (not a 500) if it is not an integer. */
    static int limit(HttpCall call, int fallback, int max) {
        String v = call.query("limit");
        if (v == null) return fallback;
        try {
            return Math.max(1, Math.min(max, Integer.parseInt(v.trim())));
        } catch (NumberFormatException e) {
            throw io.hubbub.core.protocol.HubbubException.badRequest("query parameter 'limit' must be an integer");
        }
    }
}
