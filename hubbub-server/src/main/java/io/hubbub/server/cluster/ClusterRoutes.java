package io.hubbub.server.cluster;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.engine.NodeInfo;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.http.HttpApi;
import io.hubbub.server.http.HttpResult;

import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/cluster}: the live nodes. {@code GET /api/route?room=ID}: the node serving a room
 * ({@code {node, url, wsUrl}}), the same answer on every node. Unauthenticated like the ops endpoints:
 * they reveal only what clients need to connect.
 */
public final class ClusterRoutes {
    private ClusterRoutes() {}

    public static void register(HttpApi api, ClusterService cluster) {
        api.route("GET", "/api/cluster", call -> {
            ArrayNode nodes = Json.NODES.arrayNode();
            try {
                for (NodeInfo n : cluster.refreshLive().get(2, TimeUnit.SECONDS)) nodes.add(cluster.view(n));
            } catch (Exception e) {
                throw HubbubException.unavailable("the cluster registry is unreachable");
            }
            ObjectNode out = Json.object().put("self", cluster.nodeId());
            out.set("nodes", nodes);
            return HttpResult.ok(out);
        });
        api.route("GET", "/api/route", call -> {
            String room = call.query("room");
            if (room == null || !Json.isValidId(room)) throw HubbubException.badRequest("query parameter 'room' must be a room id");
            NodeInfo owner = cluster.owner(room);
            return HttpResult.ok(Json.object().put("room", room).put("node", owner.id()).put("url", owner.url())
                    .put("wsUrl", cluster.wsUrl(owner.url())));
        });
    }
}
