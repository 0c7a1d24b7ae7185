package io.hubbub.server.http;

import io.hubbub.core.auth.Principal;
import io.hubbub.core.telemetry.Telemetry;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.server.transport.ClientAddress;
import io.hubbub.server.transport.HttpEndpoint;
import io.hubbub.server.transport.HttpResponses;
import io.hubbub.server.transport.TransportSettings;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP API: a small route table (method + path template with {@code {param}}s). The event loop
 * only copies the request and hands it to a virtual thread; route handlers may block (database,
 * password hashing) and their result is written back from there. Errors use the documented shape
 * {@code {"error":{"code","message"}}} with the code's HTTP status. CORS follows the allowed origins.
 */
public final class HttpApi implements HttpEndpoint {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

    /** A route handler; runs on a virtual thread. */
    @FunctionalInterface
    public interface Handler {
        HttpResult handle(HttpCall call) throws Exception;
    }

    private record Route(HttpMethod method, String template, Pattern pattern, List<String> params, Handler handler) {}

    private final List<Route> routes = new ArrayList<>();
    private final Executor blocking;
    private final Function<HttpCall, Principal> authenticator;
    private final TransportSettings settings;
    private final Telemetry telemetry;

    public HttpApi(Executor blocking, Function<HttpCall, Principal> authenticator, TransportSettings settings, Telemetry telemetry) {
        this.blocking = blocking;
        this.authenticator = authenticator;
        this.settings = settings;
        this.telemetry = telemetry;
    }

    public HttpApi route(String method, String template, Handler handler) {
        List<String> params = new ArrayList<>();
        Matcher m = Pattern.compile("\\{(\\w+)}").matcher(template);
        StringBuilder re = new StringBuilder();
        int last = 0;
        while (m.find()) {
            re.append(Pattern.quote(template.substring(last, m.start()))).append("([^/]+)");
            params.add(m.group(1));
            last = m.end();
        }
        re.append(Pattern.quote(template.substring(last)));
        routes.add(new Route(HttpMethod.valueOf(method), template, Pattern.compile(re.toString()), params, handler));
        return this;
    }

    /**
     * The registered routes as {@code "METHOD template"} (e.g. {@code "GET /api/rooms/{id}"}), in
     * registration order. Used to keep docs/openapi.yaml in step with what the server serves.
     */
    public List<String> routes() {
        List<String> out = new ArrayList<>(routes.size());
        for (Route r : routes) out.add(r.method.name() + " " + r.template);
        return List.copyOf(out);
    }

    @Override
    public boolean matches(String path) {
        return true;
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
        QueryStringDecoder q = new QueryStringDecoder(req.uri());
        String path = q.path();
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        HttpHeaders headers = new DefaultHttpHeaders().add(req.headers());
        byte[] body = ByteBufUtil.getBytes(req.content());
        HttpMethod method = req.method();
        HttpRequest head = new io.netty.handler.codec.http.DefaultHttpRequest(req.protocolVersion(), method, req.uri(), headers);
        String ip = ClientAddress.of(ctx.channel(), req, settings.trustedProxies());
        req.release();

        if (body.length > settings.maxHttpBodyBytes()) {
            // the shared aggregator admits Engine.IO's larger payloads; the API keeps its own limit
            HttpResponses.send(ctx, head, HttpResponses.error(ErrorCode.TOO_LARGE,
                    "request body over " + settings.maxHttpBodyBytes() + " bytes"));
            return;
        }
        if (method == HttpMethod.OPTIONS) {
            FullHttpResponse res = HttpResponses.text(204, "", "text/plain");
            cors(res, origin, true);
            HttpResponses.send(ctx, head, res);
            return;
        }
        Route found = null;
        Map<String, String> params = Map.of();
        boolean pathKnown = false;
        for (Route r : routes) {
            Matcher m = r.pattern.matcher(path);
            if (!m.matches()) continue;
            pathKnown = true;
            if (!r.method.equals(method)) continue;
            found = r;
            params = new HashMap<>();
            for (int i = 0; i < r.params.size(); i++) params.put(r.params.get(i), QueryStringDecoder.decodeComponent(m.group(i + 1)));
            break;
        }
        if (found == null) {
            FullHttpResponse res = pathKnown ? HttpResponses.error(ErrorCode.BAD_REQUEST, "method " + method + " not allowed here")
                    : HttpResponses.error(ErrorCode.NOT_FOUND, "no such path");
            if (pathKnown) res.setStatus(io.netty.handler.codec.http.HttpResponseStatus.METHOD_NOT_ALLOWED);
            cors(res, origin, false);
            HttpResponses.send(ctx, head, res);
            return;
        }
        Route route = found;
        HttpCall call = new HttpCall(method.name(), path, params, q.parameters(), headers, body, ip, authenticator);
        blocking.execute(() -> {
            FullHttpResponse res;
            try {
                HttpResult r = route.handler.handle(call);
                res = r.json() != null ? io.hubbub.server.transport.HttpResponses.json(r.status(), r.json())
                        : HttpResponses.text(r.status(), r.text() == null ? "" : r.text(), r.contentType());
            } catch (Throwable t) {
                HubbubException e = HubbubException.from(t);
                if (e.code() == ErrorCode.INTERNAL) log.warn("{} {} failed", method, path, t);
                telemetry.error(e.code());
                res = HttpResponses.error(e.code(), e.getMessage());
                // a refusal that knows when to come back says so (throttled sign-ins, the password-hashing bound)
                if (e instanceof RetryLater later) res.headers().set(HttpHeaderNames.RETRY_AFTER, later.retryAfterSeconds());
                else {
                    int retryAfter = e.details() == null ? 0 : e.details().path("retryAfterSeconds").asInt(0);
                    if (retryAfter > 0) res.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter);
                }
            }
            cors(res, origin, false);
            HttpResponses.send(ctx, head, res);
        });
    }

    private void cors(FullHttpResponse res, String origin, boolean preflight) {
        if (origin == null) return;
        if (!settings.anyOrigin() && !settings.allowedOrigins().contains(origin)) return;
        res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        res.headers().set(HttpHeaderNames.VARY, "Origin");
        if (preflight) {
            res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, PATCH, DELETE, OPTIONS");
            res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Authorization, Content-Type, X-Api-Key");
            res.headers().set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
        }
    }
}
