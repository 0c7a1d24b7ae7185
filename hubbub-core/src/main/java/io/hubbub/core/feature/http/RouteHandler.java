package io.hubbub.core.feature.http;

/** A feature's HTTP route handler; runs on a virtual thread and may block. */
@FunctionalInterface
public interface RouteHandler {

    /**
     * Answers one call. A thrown {@link io.hubbub.core.protocol.HubbubException} becomes the documented
     * error body {@code {"error":{"code","message"}}} with its code's HTTP status.
     */
    RouteResult handle(RouteRequest request) throws Exception;
}
