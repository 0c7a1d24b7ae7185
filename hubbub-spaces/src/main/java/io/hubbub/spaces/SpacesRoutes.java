package io.hubbub.spaces;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.auth.Accounts;
import io.hubbub.core.auth.Principal;
import io.hubbub.core.auth.Role;
import io.hubbub.core.feature.FeatureContext;
import io.hubbub.core.feature.http.Access;
import io.hubbub.core.feature.http.RouteRequest;
import io.hubbub.core.feature.http.RouteResult;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The seed's HTTP contract under {@code /api/v1}: 200 on success; 400 for invalid input and unknown
 * ids; 403 for a missing or invalid token and for a non-admin on an admin route. Every check runs
 * before any write, so a refused call changes nothing. Routes are registered {@link Access#NONE} and
 * check the caller themselves, because the contract answers 403 where Hubbub's own routes answer 401.
 */
final class SpacesRoutes {
    static final String P = "/api/v1";

    record Signup(@NotBlank String username, @NotBlank String password, @NotNull @Pattern(regexp = "admin|user") String type) {}

    record Signin(@NotBlank String username, @NotBlank String password) {}

    record Metadata(@NotBlank @Size(max = 40) String avatarId) {}

    record NewElement(@NotBlank @Size(max = 1024) String imageUrl, @NotNull @Min(1) @Max(100) Integer width,
                      @NotNull @Min(1) @Max(100) Integer height, @JsonProperty("static") @NotNull Boolean isStatic) {}

    record ElementImage(@NotBlank @Size(max = 1024) String imageUrl) {}

    record NewAvatar(@NotBlank @Size(max = 1024) String imageUrl, @NotBlank @Size(max = 100) String name) {}

    record MapElement(@NotBlank @Size(max = 40) String elementId, @NotNull @Min(0) Integer x, @NotNull @Min(0) Integer y) {}

    record NewMap(@NotBlank @Size(max = 1024) String thumbnail, @NotNull String dimensions, @NotBlank @Size(max = 100) String name,
                  @NotNull @Size(max = 10_000) List<@Valid @NotNull MapElement> defaultElements) {}

    record NewSpace(@NotBlank @Size(max = 100) String name, String dimensions, @Size(max = 40) String mapId, Boolean persistentChat) {}

    record NewPlacement(@NotBlank @Size(max = 40) String elementId, @NotBlank @Size(max = 40) String spaceId,
                        @NotNull Integer x, @NotNull Integer y) {}

    record PlacementId(@NotBlank @Size(max = 40) String id) {}

    private SpacesRoutes() {}

    static void register(FeatureContext ctx, SpaceStore store, SpaceRuntime runtime, Accounts accounts, SpacesSettings cfg, boolean adminSignup) {
        ctx.route("POST", P + "/signup", Access.NONE, req -> {
            Signup b = req.body(Signup.class);
            Role role = b.type().equals("admin") ? Role.ADMIN : Role.USER;
            if (role == Role.ADMIN && !adminSignup) throw HubbubException.badRequest("signing up as admin is not allowed on this server");
            try {
                return RouteResult.ok(Map.of("userId", accounts.create(b.username(), b.password(), role).userId()));
            } catch (HubbubException e) {
                if (e.code() == ErrorCode.CONFLICT) throw HubbubException.badRequest("username is taken");
                throw e;
            }
        });
        ctx.route("POST", P + "/signin", Access.NONE, req -> {
            Signin b = req.body(Signin.class);
            try {
                return RouteResult.ok(Map.of("token", accounts.signIn(b.username(), b.password())));
            } catch (HubbubException e) {
                if (e.code() == ErrorCode.UNAUTHORIZED) throw HubbubException.forbidden("invalid username or password");
                throw e;
            }
        });

        ctx.route("POST", P + "/user/metadata", Access.NONE, req -> {
            Principal p = user(req);
            store.setUserAvatar(p.userId(), req.body(Metadata.class).avatarId());
            return RouteResult.ok(Json.object());
        });
        ctx.route("GET", P + "/user/metadata/bulk", Access.NONE, req -> {
            user(req);
            List<String> ids = idList(req.query("ids"));
            ArrayNode avatars = Json.MAPPER.createArrayNode();
            store.userAvatars(ids).forEach((u, a) -> avatars.addObject().put("userId", u).put("avatarId", a));
            ObjectNode out = Json.object();
            out.set("avatars", avatars);
            return RouteResult.ok(out);
        });
        ctx.route("GET", P + "/avatars", Access.NONE, req -> RouteResult.ok(Map.of("avatars", store.avatars())));
        ctx.route("GET", P + "/elements", Access.NONE, req -> RouteResult.ok(Map.of("elements", store.elements())));

        ctx.route("POST", P + "/admin/element", Access.NONE, req -> {
            admin(req);
            NewElement b = req.body(NewElement.class);
            return RouteResult.ok(Map.of("id", store.createElement(b.imageUrl(), b.width(), b.height(), b.isStatic())));
        });
        ctx.route("PUT", P + "/admin/element/{id}", Access.NONE, req -> {
            admin(req);
            ElementImage b = req.body(ElementImage.class);
            if (!store.updateElementImage(req.param("id"), b.imageUrl())) throw HubbubException.badRequest("unknown element");
            return RouteResult.ok(Json.object());
        });
        ctx.route("POST", P + "/admin/avatar", Access.NONE, req -> {
            admin(req);
            NewAvatar b = req.body(NewAvatar.class);
            return RouteResult.ok(Map.of("avatarId", store.createAvatar(b.imageUrl(), b.name())));
        });
        ctx.route("POST", P + "/admin/map", Access.NONE, req -> {
            admin(req);
            NewMap b = req.body(NewMap.class);
            Dimensions d = Dimensions.parse(b.dimensions(), cfg.maxDimension());
            if (b.defaultElements().size() > cfg.maxElements()) throw HubbubException.badRequest("more than " + cfg.maxElements() + " elements");
            List<SpaceStore.Placement> placements = new ArrayList<>();
            for (MapElement e : b.defaultElements()) {
                if (!d.contains(e.x(), e.y())) throw HubbubException.badRequest("element at (" + e.x() + ", " + e.y() + ") is outside " + d);
                placements.add(new SpaceStore.Placement(e.elementId(), e.x(), e.y()));
            }
            return RouteResult.ok(Map.of("id", store.createMap(b.name(), b.thumbnail(), d, placements)));
        });

        ctx.route("POST", P + "/space", Access.NONE, req -> {
            Principal p = user(req);
            NewSpace b = req.body(NewSpace.class);
            if (b.dimensions() == null && b.mapId() == null) throw HubbubException.badRequest("give dimensions or mapId");
            Dimensions d = b.dimensions() == null ? null : Dimensions.parse(b.dimensions(), cfg.maxDimension());
            return RouteResult.ok(Map.of("spaceId", store.createSpace(p.userId(), b.name(), d, b.mapId(), Boolean.TRUE.equals(b.persistentChat()))));
        });
        // literal paths before /space/{id}: the first matching template wins
        ctx.route("GET", P + "/space/all", Access.NONE, req -> {
            Principal p = user(req);
            ArrayNode spaces = Json.MAPPER.createArrayNode();
            for (SpaceStore.Space s : store.spacesOf(p.userId())) {
                ObjectNode o = spaces.addObject().put("id", s.id()).put("name", s.name()).put("dimensions", s.dimensions().toString());
                if (s.thumbnail() == null) o.putNull("thumbnail");
                else o.put("thumbnail", s.thumbnail());
            }
            ObjectNode out = Json.object();
            out.set("spaces", spaces);
            return RouteResult.ok(out);
        });
        ctx.route("POST", P + "/space/element", Access.NONE, req -> {
            Principal p = user(req);
            NewPlacement b = req.body(NewPlacement.class);
            SpaceStore.Space s = store.space(b.spaceId()).orElseThrow(() -> HubbubException.badRequest("unknown spaceId"));
            if (!s.ownerId().equals(p.userId())) throw HubbubException.forbidden("not your space");
            if (store.element(b.elementId()).isEmpty()) throw HubbubException.badRequest("unknown elementId");
            if (!s.dimensions().contains(b.x(), b.y())) throw HubbubException.badRequest("(" + b.x() + ", " + b.y() + ") is outside " + s.dimensions());
            if (store.countSpaceElements(s.id()) >= cfg.maxElements()) throw HubbubException.badRequest("the space has " + cfg.maxElements() + " elements already");
            String id = store.addSpaceElement(s.id(), b.elementId(), b.x(), b.y());
            runtime.elementsChanged(s.id());
            return RouteResult.ok(Map.of("id", id));
        });
        ctx.route("DELETE", P + "/space/element", Access.NONE, req -> {
            Principal p = user(req);
            PlacementId b = req.body(PlacementId.class);
            String spaceId = store.spaceOfPlacement(b.id()).orElseThrow(() -> HubbubException.badRequest("unknown element id"));
            SpaceStore.Space s = store.space(spaceId).orElseThrow(() -> HubbubException.badRequest("unknown element id"));
            if (!s.ownerId().equals(p.userId())) throw HubbubException.forbidden("not your space");
            store.deletePlacement(b.id());
            runtime.elementsChanged(s.id());
            return RouteResult.ok(Json.object());
        });
        ctx.route("DELETE", P + "/space/{id}", Access.NONE, req -> {
            Principal p = user(req);
            SpaceStore.Space s = store.space(req.param("id")).orElseThrow(() -> HubbubException.badRequest("unknown space"));
            if (!s.ownerId().equals(p.userId())) throw HubbubException.forbidden("not your space");
            store.deleteSpace(s.id());
            runtime.deleted(s.id());
            return RouteResult.ok(Json.object());
        });
        ctx.route("GET", P + "/space/{id}", Access.NONE, req -> {
            user(req);
            SpaceStore.Space s = store.space(req.param("id")).orElseThrow(() -> HubbubException.badRequest("unknown space"));
            ObjectNode out = Json.object().put("dimensions", s.dimensions().toString());
            out.set("elements", Json.MAPPER.valueToTree(store.spaceElements(s.id())));
            return RouteResult.ok(out);
        });
        ctx.route("GET", P + "/space/{id}/messages", Access.NONE, req -> {
            user(req);
            SpaceStore.Space s = store.space(req.param("id")).orElseThrow(() -> HubbubException.badRequest("unknown space"));
            Long before = longParam(req.query("before"), "before");
            Long limit = longParam(req.query("limit"), "limit");
            int n = limit == null ? 50 : (int) Math.max(1, Math.min(100, limit));
            return RouteResult.ok(SpaceEvents.history(s.persistentChat(), s.persistentChat() ? store.messages(s.id(), before, n) : List.of()));
        });
    }

    /** The caller with a valid token, a guest excluded; {@code forbidden} (403) otherwise. */
    static Principal user(RouteRequest req) {
        Principal p = req.principal();
        if (p == null || p.role() == Role.GUEST || p.roomScope() != null) throw HubbubException.forbidden("a valid token is required");
        return p;
    }

    static Principal admin(RouteRequest req) {
        Principal p = user(req);
        if (!p.isAdmin()) throw HubbubException.forbidden("admin only");
        return p;
    }

    /** {@code [id1,id2]} (the seed's form), {@code ["id1","id2"]} or {@code id1,id2}: at most 100 ids. */
    static List<String> idList(String raw) {
        if (raw == null || raw.isBlank()) throw HubbubException.badRequest("query parameter 'ids' is required, e.g. ids=[id1,id2]");
        String s = raw.strip();
        if (s.startsWith("[") && s.endsWith("]")) s = s.substring(1, s.length() - 1);
        List<String> out = new ArrayList<>();
        for (String part : s.split(",")) {
            String id = part.strip();
            if (id.length() >= 2 && id.startsWith("\"") && id.endsWith("\"")) id = id.substring(1, id.length() - 1);
            if (id.isEmpty()) continue;
            if (id.length() > 64) throw HubbubException.badRequest("an id is over 64 characters");
            out.add(id);
        }
        if (out.size() > 100) throw HubbubException.badRequest("at most 100 ids");
        return out;
    }

    private static Long longParam(String v, String name) {
        if (v == null) return null;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw HubbubException.badRequest("query parameter '" + name + "' must be an integer");
        }
    }
}
