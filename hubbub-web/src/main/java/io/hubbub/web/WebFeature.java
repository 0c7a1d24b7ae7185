package io.hubbub.web;

import io.hubbub.core.feature.Feature;
import io.hubbub.core.feature.FeatureContext;

/**
 * Hubbub in the browser (docs/SDK.md): the JavaScript SDK, a chat demo and the admin dashboard, as static
 * files of this jar served by the server ({@link FeatureContext#assets}). The pages talk to the server only
 * through its public protocol and HTTP API, so the feature registers no events, routes or tables.
 */
public final class WebFeature implements Feature {
    @Override public String name() { return "web"; }

    @Override public String description() { return "In the browser: the JavaScript SDK (/sdk/), a chat demo (/demo/) and a 2D spaces demo (/demo/spaces/), the admin dashboard (/admin/)."; }

    @Override public WebSettings defaults() { return WebSettings.defaults(); }

    @Override
    public void install(FeatureContext ctx) {
        WebSettings s = ctx.config(WebSettings.class);
        if (s.sdk()) ctx.assets("/sdk", "io/hubbub/web/static/sdk");
        if (s.demo()) ctx.assets("/demo", "io/hubbub/web/static/demo");
        if (s.admin()) ctx.assets("/admin", "io/hubbub/web/static/admin");
    }
}
