package io.hubbub.web;

import io.hubbub.core.config.Checks;
import io.hubbub.core.config.Doc;
import io.hubbub.core.feature.FeatureSettings;

/** {@code features.web}: what the browser feature serves (docs/SDK.md). Everything is static and public. */
public record WebSettings(
        @Doc("Serve the browser files below at all (the JavaScript SDK, the demo, the admin dashboard).") boolean enabled,
        @Doc("Serve the JavaScript SDK at /sdk/hubbub.js with its TypeScript declarations /sdk/hubbub.d.ts.") boolean sdk,
        @Doc("Serve the chat demo at /demo/ (it signs up and in through /api/auth, or connects as a guest when auth.allowGuests) and the 2D spaces demo at /demo/spaces/ (it needs features.spaces).") boolean demo,
        @Doc("Serve the admin dashboard at /admin/ (static files only; every figure comes from the admin HTTP API, which admits admins only).") boolean admin)
        implements FeatureSettings {

    public static WebSettings defaults() {
        return new WebSettings(true, true, true, true);
    }

    @Override
    public void validate(Checks c, String prefix) {
        // the pages load the SDK from /sdk/hubbub.js
        c.require(sdk || !(demo || admin), prefix + "sdk", "the demo and the admin dashboard need the SDK: keep sdk true or turn them off");
    }
}
