package io.hubbub.core.api;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The registered hooks and listeners, read on every connect/join/publish (copy-on-write lists). */
public final class Extensions {
    public final List<ConnectHook> connectHooks = new CopyOnWriteArrayList<>();
    public final List<JoinHook> joinHooks = new CopyOnWriteArrayList<>();
    public final List<PublishHook> publishHooks = new CopyOnWriteArrayList<>();
    public final List<TopicHook> topicHooks = new CopyOnWriteArrayList<>();
    public final List<PresenceAuthorizer> presenceAuthorizers = new CopyOnWriteArrayList<>();
    public final List<RoomListener> roomListeners = new CopyOnWriteArrayList<>();
    public final List<java.util.function.Consumer<io.hubbub.core.session.Session>> disconnectListeners = new CopyOnWriteArrayList<>();
}
