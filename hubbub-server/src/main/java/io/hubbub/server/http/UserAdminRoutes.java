package io.hubbub.server.http;

import io.hubbub.core.protocol.Json;
import io.hubbub.core.session.CloseReason;
import io.hubbub.server.auth.AccountRoles;

import java.util.function.ToIntFunction;

/** Account administration over HTTP ({@code /api/admin/users/...}, docs/openapi.yaml). */
public final class UserAdminRoutes {
    private UserAdminRoutes() {}

    /** Connections of a demoted user: their tokens are revoked; a new sign-in gets the new role. */
    public static final CloseReason ROLE_CHANGED = new CloseReason(4003, "role changed: sign in again", false);

    public static void register(HttpApi api, AccountRoles roles, ToIntFunction<String> disconnectUser) {
        api.route("PUT", "/api/admin/users/{id}/role", call -> {
            call.admin();
            var role = AccountRoles.parse(Json.optText(call.json(), "role", null));
            AccountRoles.Change c = roles.set(call.param("id"), role);
            int closed = c.tokensRevoked() ? disconnectUser.applyAsInt(c.account().id()) : 0;
            var out = Json.object();
            out.set("user", AuthRoutes.account(c.account()));
            return HttpResult.ok(out.put("tokensRevoked", c.tokensRevoked()).put("disconnected", closed));
        });
    }
}
