package io.hubbub.signaling;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.hubbub.core.api.HubbubApi;
import io.hubbub.core.auth.Principal;
import io.hubbub.core.auth.Role;
import io.hubbub.core.auth.TokenVerifier;
import io.hubbub.core.feature.FeatureContext;
import io.hubbub.core.feature.http.Access;
import io.hubbub.core.feature.http.RouteRequest;
import io.hubbub.core.feature.http.RouteResult;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.room.Room;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.concurrent.TimeUnit;

/**
 * The seed's HTTP API on the core's room model. {@code GET /api/rooms/{id}} already belongs to the core
 * (its own room view), so the seed's RoomMetadata is served at {@code GET /api/signaling/rooms/{id}};
 * {@code POST /api/rooms}, {@code GET /api/rooms/{id}/peers} and {@code DELETE /api/rooms/{id}} are new paths.
 */
final class SignalingRoutes {
    private SignalingRoutes() {}

    /** {@code POST /api/rooms}: the seed's body; hostId/hostName, if sent, must be the caller's own. */
    record CreateRoom(@Pattern(regexp = SignalingService.ID) String roomId, @NotNull @Size(min = 1, max = 100) String roomName,
                      @Size(max = 128) String hostId, @Size(max = 100) String hostName, @Size(max = 128) String fileId,
                      @Size(max = 200) String fileName, @Min(2) @Max(64) Integer capacity, @JsonProperty("private") Boolean privateRoom) {}

    record Validate(@NotNull @Size(min = 1, max = 200) String roomId, @NotNull @Size(min = 1, max = 8192) String token,
                    @Size(max = 128) String userId) {}

    static void register(FeatureContext ctx, SignalingService service, IceServers ice, TokenVerifier tokens) {
        HubbubApi api = ctx.api();
        ctx.route("GET", "/api/signaling/ice-servers", Access.USER_OR_ROOM_TOKEN, req -> RouteResult.ok(ice.forUser(caller(req).userId(), ctx.clock().millis())));

        ctx.route("POST", "/api/rooms", Access.USER, req -> {
            CreateRoom b = req.body(CreateRoom.class);
            Principal p = req.principal();
            if (p.role() == Role.SERVICE) throw HubbubException.forbidden("a room needs a user as its host");
            if (b.hostId() != null && !b.hostId().equals(p.userId())) throw HubbubException.forbidden("hostId must be the caller's own user id");
            Room room = service.create(p, b.roomId(), service.roomSettings(b.roomName(), b.capacity(), Boolean.TRUE.equals(b.privateRoom()),
                    b.fileId(), b.fileName())).get(10, TimeUnit.SECONDS);
            return RouteResult.created(service.view(room).get(10, TimeUnit.SECONDS));
        });
        ctx.route("GET", "/api/signaling/rooms/{id}", Access.NONE, req -> RouteResult.ok(service.view(visible(api, req)).get(10, TimeUnit.SECONDS)));
        ctx.route("GET", "/api/rooms/{id}/peers", Access.NONE, req -> RouteResult.ok(service.peers(visible(api, req).id()).get(10, TimeUnit.SECONDS)));
        ctx.route("DELETE", "/api/rooms/{id}", Access.NONE, req -> {
            Principal p = caller(req);
            Room room = signalingRoom(api, req.param("id"));
            if (!p.isAdmin() && !p.userId().equals(room.hostId())) throw HubbubException.forbidden("only the host or an admin may delete room '" + room.id() + "'");
            api.rooms().close(null, room.id(), p.isAdmin() ? "closed by an administrator" : "closed by the host").get(10, TimeUnit.SECONDS);
            return RouteResult.ok(Json.object().put("success", true));
        });

        // The seed's token check: the token is a signed JWT (POST /api/auth/token issues room-scoped ones).
        ctx.route("POST", "/api/auth/validate", Access.NONE, req -> {
            Validate b = req.body(Validate.class);
            Principal caller = req.principal();
            Principal t;
            try {
                t = tokens.verify(b.token());
            } catch (HubbubException e) {
                return RouteResult.ok(Json.object().put("valid", false).put("error", "invalid or expired token"));
            }
            String error = null;
            if (!t.mayEnter(b.roomId())) error = "the token is scoped to other rooms";
            else if (b.userId() != null && !b.userId().equals(t.userId())) error = "the token belongs to another user";
            else if (caller != null && caller.role() != Role.SERVICE && !caller.isAdmin() && !caller.userId().equals(t.userId()))
                error = "the token belongs to another user";
            var out = Json.object().put("valid", error == null);
            if (error != null) return RouteResult.ok(out.put("error", error));
            return RouteResult.ok(out.put("userId", t.userId()).put("roomId", b.roomId()).put("expiresAt", t.expiresAt()));
        });
    }

    private static Principal caller(RouteRequest req) {
        Principal p = req.principal();
        if (p == null) throw new HubbubException(ErrorCode.UNAUTHORIZED, "a token is required");
        return p;
    }

    /** The room if the caller may see it: its token admits the room, and a private room only to members, the host and admins. */
    private static Room visible(HubbubApi api, RouteRequest req) throws Exception {
        Principal p = caller(req);
        Room room = signalingRoom(api, req.param("id"));
        if (!p.mayEnter(room.id())) throw HubbubException.forbidden("this token is scoped to other rooms");
        boolean priv = room.settings().visibility() == io.hubbub.core.room.Visibility.PRIVATE;
        if (priv && !p.isAdmin() && p.role() != Role.SERVICE && !p.userId().equals(room.hostId()) && !room.hasMember(p.userId())
                && p.roomScope() == null) throw HubbubException.notFound("no signaling room '" + room.id() + "'");
        return room;
    }

    private static Room signalingRoom(HubbubApi api, String id) throws Exception {
        Room room = api.rooms().find(id).get(10, TimeUnit.SECONDS)
                .filter(SignalingService::isSignaling)
                .orElseThrow(() -> HubbubException.notFound("no signaling room '" + id + "'"));
        return room;
    }
}
