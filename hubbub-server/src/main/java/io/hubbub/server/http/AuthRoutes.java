package io.hubbub.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.auth.Principal;
import io.hubbub.core.auth.Role;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.room.RoomService;
import io.hubbub.core.room.RoomTokenGrants;
import io.hubbub.server.auth.Account;
import io.hubbub.server.auth.AccountService;
import io.hubbub.server.auth.IssuedToken;
import io.hubbub.server.auth.JwtService;
import io.hubbub.server.auth.SignedIn;
import io.hubbub.server.auth.SignInThrottle;
import io.hubbub.server.auth.TokenRevocation;
import io.hubbub.core.session.CloseReason;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

/** Accounts over HTTP: sign up, sign in, current user, profile, room-scoped tokens (docs/openapi.yaml). */
public final class AuthRoutes {
    private AuthRoutes() {}

    /** Sign-in/sign-up attempts per IP (Argon2 makes each one costly), tracking at most 100k addresses. */
    public static IpRateLimiter limiter(int perSecond, int burst) {
        return new IpRateLimiter(perSecond, burst, 100_000);
    }

    public static void register(HttpApi api, AccountService accounts, JwtService jwt, RoomService rooms, Duration roomTokenTtl, boolean signupEnabled,
                                IpRateLimiter attempts, SignInThrottle throttle,
                                TokenRevocation revocation, ToIntFunction<String> disconnectUser) {
        api.route("POST", "/api/auth/signup", call -> {
            if (!signupEnabled) throw HubbubException.forbidden("sign-up is disabled on this server");
            attempts.check(call.remoteAddress());
            JsonNode b = call.json();
            SignedIn s = accounts.signUp(Json.text(b, "username"), Json.text(b, "password"),
                    Json.optText(b, "displayName", null));
            throttle.succeeded(s.account().username(), call.remoteAddress()); // the owner's first known client
            return HttpResult.status(201, signedIn(s));
        });
        api.route("POST", "/api/auth/signin", call -> {
            attempts.check(call.remoteAddress());
            JsonNode b = call.json();
            String username = Json.text(b, "username");
            String password = Json.text(b, "password");
            throttle.check(username, call.remoteAddress()); // before Argon2: a blocked name costs nothing
            SignedIn s;
            try {
                s = accounts.signIn(username, password);
            } catch (HubbubException e) {
                if (e.code() == ErrorCode.UNAUTHORIZED) throttle.failed(username, call.remoteAddress());
                throw e;
            }
            throttle.succeeded(username, call.remoteAddress());
            return HttpResult.ok(signedIn(s));
        });
        api.route("GET", "/api/me", call -> HttpResult.ok(account(accounts.me(userOnly(call.principal()).userId()))));
        api.route("PATCH", "/api/me", call -> {
            Principal p = userOnly(call.principal());
            JsonNode b = call.json();
            return HttpResult.ok(account(accounts.updateProfile(p.userId(), Json.optText(b, "displayName", null),
                    Json.optText(b, "avatarUrl", null))));
        });
        api.route("POST", "/api/me/logout-all", call -> {
            // sign out everywhere: every token of this user issued so far is refused, its connections close
            Principal p = userOnly(call.principal());
            long at = revocation.revokeAll(p.userId());
            int closed = disconnectUser.applyAsInt(p.userId());
            return HttpResult.ok(Json.object().put("tokensValidAfter", at).put("disconnected", closed));
        });
        api.route("POST", "/api/auth/token", call -> {
            Principal p = call.principal();
            String room = Json.id(call.json(), "roomId");
            long boundTo = RoomTokenGrants.binding(rooms, p, room).get(10, TimeUnit.SECONDS); // forbidden unless p may grant entry
            IssuedToken t = jwt.issueRoomToken(p, room, boundTo, roomTokenTtl);
            return HttpResult.ok(Json.object().put("token", t.token()).put("expiresAt", t.expiresAt()).put("roomId", room));
        });
    }

    /** Connections closed by "sign out everywhere": 4003, not to be reconnected with the same token. */
    public static final CloseReason SIGNED_OUT = new CloseReason(4003, "signed out everywhere", false);

    private static Principal userOnly(Principal p) {
        if (p.role() == Role.SERVICE || p.role() == Role.GUEST) throw HubbubException.forbidden("this endpoint is for user accounts");
        return p;
    }

    static ObjectNode signedIn(SignedIn s) {
        ObjectNode o = Json.object();
        o.set("user", account(s.account()));
        o.put("token", s.token().token());
        o.put("expiresAt", s.token().expiresAt());
        return o;
    }

    static ObjectNode account(Account a) {
        ObjectNode u = Json.object().put("id", a.id()).put("username", a.username()).put("displayName", a.displayName());
        u.put("avatarUrl", a.avatarUrl());
        u.put("role", a.role().name().toLowerCase(Locale.ROOT));
        u.put("createdAt", a.createdAt());
        return u;
    }
}
