package io.hubbub.spaces;

import io.hubbub.core.auth.Accounts;
import io.hubbub.core.feature.Feature;
import io.hubbub.core.feature.FeatureContext;
import io.hubbub.core.feature.ServerMode;
import io.hubbub.store.Database;
import io.micrometer.core.instrument.Gauge;

import java.util.concurrent.TimeUnit;

/**
 * 2D spaces (seed 004), a Gather-like world: the seed's HTTP contract under {@code /api/v1}, its
 * WebSocket frames on {@code features.spaces.wsPath}, and the same spaces as {@code space:*} events
 * over the native protocol and Socket.IO. See docs/SPACES.md.
 */
public final class SpacesFeature implements Feature {

    @Override
    public String name() {
        return "spaces";
    }

    @Override
    public String description() {
        return "2D spaces (seed 004): maps, avatars, server-checked movement, chat, proximity groups; fail-over through room state.";
    }

    @Override
    public SpacesSettings defaults() {
        return SpacesSettings.defaults();
    }

    @Override
    public String migrations() {
        return "db/spaces";
    }

    @Override
    public void install(FeatureContext ctx) {
        SpacesSettings cfg = ctx.config(SpacesSettings.class);
        Database db = ctx.service(Database.class).orElseThrow(() -> new IllegalStateException("spaces needs the database"));
        Accounts accounts = ctx.service(Accounts.class).orElseThrow(() -> new IllegalStateException("spaces needs the server's accounts"));
        boolean production = ctx.service(ServerMode.class).map(ServerMode::production).orElse(true);
        SpaceStore store = new SpaceStore(db, ctx.clock());
        SpaceRuntime runtime = new SpaceRuntime(ctx.api(), store, cfg, ctx.blocking(), ctx.clock());

        SpaceEvents.register(ctx.api(), runtime, store, cfg, ctx.blocking());
        ctx.api().addRoomListener(runtime.listener());
        SpacesRoutes.register(ctx, store, runtime, accounts, cfg, cfg.adminSignup().allowed(production));
        ctx.adapter(cfg.wsPath(), new SeedAdapter(accounts));

        Gauge.builder(ctx.metricName("live"), runtime, SpaceRuntime::liveCount).description("spaces live on this node").register(ctx.metrics());
        long period = Math.max(1, 1000 / cfg.tickHz());
        var task = new java.util.concurrent.atomic.AtomicReference<java.util.concurrent.ScheduledFuture<?>>();
        ctx.onStart(() -> task.set(ctx.scheduler().scheduleAtFixedRate(runtime::tick, period, period, TimeUnit.MILLISECONDS)));
        ctx.onStop(() -> {
            var t = task.get();
            if (t != null) t.cancel(false);
            runtime.tick(); // last positions out
        });
    }
}
