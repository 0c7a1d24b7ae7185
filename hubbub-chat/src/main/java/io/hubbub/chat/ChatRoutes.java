package io.hubbub.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.feature.FeatureContext;
import io.hubbub.core.feature.http.Access;
import io.hubbub.core.feature.http.RouteRequest;
import io.hubbub.core.feature.http.RouteResult;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;

import java.util.concurrent.TimeUnit;

/**
 * The chat's HTTP routes, for page loads (the caller's own chats, history, friends, notifications,
 * unread counts) and for server code with an API key (system messages, edits and deletes). The same
 * services and checks as the events; docs/openapi.yaml describes them.
 */
final class ChatRoutes {
    private ChatRoutes() {}

    static void install(FeatureContext ctx, ChatService chats, Friends friends, Notifications notifications, ChatSearch search,
                        MessageWriter writer) {
        ctx.route("GET", "/api/chat/chats", Access.USER, r -> RouteResult.ok(chats.list(me(r))));
        ctx.route("GET", "/api/chat/chats/{id}", Access.USER, r -> RouteResult.ok(chats.get(me(r), r.param("id"))));
        ctx.route("GET", "/api/chat/chats/{id}/messages", Access.USER, r -> {
            ObjectNode q = Json.object().put("chatId", r.param("id"));
            for (String k : new String[] {"before", "after", "around", "date", "limit"}) {
                String v = r.query(k);
                if (v == null) continue;
                try {
                    q.put(k, Long.parseLong(v));
                } catch (NumberFormatException e) {
                    throw HubbubException.badRequest("query '" + k + "' must be a number");
                }
            }
            if (q.has("limit")) q.put("limit", q.get("limit").asInt());
            return RouteResult.ok(chats.history(me(r), ChatFeature.bind(q, ChatPayloads.History.class)));
        });
        ctx.route("GET", "/api/chat/unread", Access.USER, r -> {
            ObjectNode all = chats.list(me(r));
            ObjectNode out = Json.object().put("totalUnread", all.path("totalUnread").asLong());
            ObjectNode per = out.putObject("chats");
            for (JsonNode c : all.get("chats")) per.put(c.path("id").asText(), c.path("unread").asLong());
            return RouteResult.ok(out);
        });
        ctx.route("GET", "/api/chat/search", Access.USER, r -> {
            ObjectNode q = Json.object().put("query", r.query("q"));
            if (r.query("chatId") != null) q.put("chatId", r.query("chatId"));
            for (String k : new String[] {"before", "limit"}) {
                if (r.query(k) == null) continue;
                try {
                    q.put(k, Long.parseLong(r.query(k)));
                } catch (NumberFormatException e) {
                    throw HubbubException.badRequest("query '" + k + "' must be a number");
                }
            }
            if (q.has("limit")) q.put("limit", q.get("limit").asInt());
            ChatPayloads.Search p = ChatFeature.bind(q, ChatPayloads.Search.class);
            return RouteResult.ok(search.search(me(r), p.query(), p.chatId(), p.before(), p.limit() == null ? 20 : p.limit()));
        });
        ctx.route("GET", "/api/chat/friends", Access.USER, r -> RouteResult.ok(friends.list(me(r))));
        ctx.route("GET", "/api/chat/notifications", Access.USER, r -> RouteResult.ok(notifications.list(me(r),
                new ChatPayloads.NotificationList("true".equals(r.query("unreadOnly")), null, null))));

        // server code (API key): a system message into a chat, edits and deletes of any message
        ctx.route("POST", "/api/chat/chats/{id}/messages", Access.API_KEY, r -> {
            ChatPayloads.SystemMessage p = ChatFeature.bind(r.json(), ChatPayloads.SystemMessage.class);
            String chatId = r.param("id");
            chats.db.withHandle(h -> chats.requireChat(h, chatId));
            Model.Draft d = chats.system(chatId, "server", "server", p.text(), Json.object());
            try {
                BatchCommit.Committed c = writer.submit(d).get(10, TimeUnit.SECONDS);
                ObjectNode out = Json.object();
                out.set("message", c.message().json());
                return RouteResult.created(out);
            } catch (java.util.concurrent.ExecutionException e) {
                throw HubbubException.from(e);
            } catch (java.util.concurrent.TimeoutException e) {
                throw HubbubException.unavailable("the message was not confirmed in time");
            }
        });
        ctx.route("PATCH", "/api/chat/messages/{id}", Access.API_KEY, r -> {
            ChatPayloads.SystemMessage p = ChatFeature.bind(r.json(), ChatPayloads.SystemMessage.class);
            return RouteResult.ok(chats.changeAsServer(id(r), p.text()));
        });
        ctx.route("DELETE", "/api/chat/messages/{id}", Access.API_KEY, r -> RouteResult.ok(chats.changeAsServer(id(r), null)));
    }

    private static String me(RouteRequest r) {
        if (r.principal() == null) throw HubbubException.forbidden("a user token is required");
        return r.principal().userId();
    }

    private static String id(RouteRequest r) {
        String id = r.param("id");
        if (id == null || !id.matches(ChatPayloads.ID)) throw HubbubException.badRequest("bad message id");
        return id;
    }
}
