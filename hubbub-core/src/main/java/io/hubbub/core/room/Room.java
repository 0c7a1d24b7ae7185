package io.hubbub.core.room;

import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A room as this node runs it: settings, lifecycle state, host, and its local members (users with at
 * least one connection on this node in the room, in join order — the order used to pass on the
 * host role). Membership methods are synchronized on the room and cheap; settings and state are
 * volatile and replaced whole.
 */
public final class Room {
    /** A local member: a user with {@code sessions} connections in the room since {@code joinedAt}. */
    public record Member(String userId, String name, long joinedAt, int sessions) {}

    /** Outcome of removing a connection: whether the user left, and the new host if the role passed on. */
    public record Departure(boolean userLeft, Member newHost) {}

    private final String id;
    private final String createdBy;
    private final long createdAt;
    private volatile RoomSettings settings;
    private volatile RoomState state = RoomState.ACTIVE;
    private volatile long lastActivity;
    private volatile long emptySince;
    private volatile String hostId;
    private volatile String hostName;
    private final LinkedHashMap<String, Member> members = new LinkedHashMap<>();
    private final Set<String> invited = ConcurrentHashMap.newKeySet();

    public Room(String id, RoomSettings settings, String createdBy, long createdAt) {
        this.id = id;
        this.settings = settings;
        this.createdBy = createdBy;
        this.createdAt = createdAt;
        this.lastActivity = System.currentTimeMillis();
        this.emptySince = lastActivity;
    }

    public String id() {
        return id;
    }

    public RoomSettings settings() {
        return settings;
    }

    public void settings(RoomSettings s) {
        this.settings = s;
    }

    public RoomState state() {
        return state;
    }

    public void state(RoomState s) {
        this.state = s;
    }

    public String createdBy() {
        return createdBy;
    }

    public long createdAt() {
        return createdAt;
    }

    public long lastActivity() {
        return lastActivity;
    }

    public long emptySince() {
        return emptySince;
    }

    /** Marks activity (a join or message); an idle room becomes active again. */
    public void touch(long now) {
        lastActivity = now;
        if (state == RoomState.IDLE) state = RoomState.ACTIVE;
    }

    public String hostId() {
        return hostId;
    }

    public String hostName() {
        return hostName;
    }

    public synchronized void host(String userId, String name) {
        this.hostId = userId;
        this.hostName = name;
    }

    public boolean isInvited(String userId) {
        return invited.contains(userId);
    }

    public void invite(String userId) {
        invited.add(userId);
    }

    public void invited(java.util.Collection<String> userIds) {
        invited.addAll(userIds);
    }

    /**
     * Adds one connection of a user. A user's first connection counts against the capacity
     * ({@code capacity}, the effective limit: room setting or server default).
     *
     * @return true if the user is new in the room on this node
     * @throws HubbubException room_full
     */
    public synchronized boolean addMember(String userId, String name, long now, int capacity) {
        Member m = members.get(userId);
        if (userId.equals(hostId)) hostName = name; // a host known by id only (from another node) gets its name
        if (m != null) {
            members.put(userId, new Member(userId, name, m.joinedAt(), m.sessions() + 1));
            return false;
        }
        if (capacity > 0 && members.size() >= capacity) {
            throw new HubbubException(ErrorCode.ROOM_FULL, "room is full (" + capacity + " members)");
        }
        members.put(userId, new Member(userId, name, now, 1));
        if (hostId == null) host(userId, name);
        return true;
    }

    /** Removes one connection of a user; passes the host role on when the host's last connection left. */
    public synchronized Departure removeMember(String userId, long now) {
        Member m = members.get(userId);
        if (m == null) return new Departure(false, null);
        if (m.sessions() > 1) {
            members.put(userId, new Member(userId, m.name(), m.joinedAt(), m.sessions() - 1));
            return new Departure(false, null);
        }
        members.remove(userId);
        if (members.isEmpty()) emptySince = now;
        Member newHost = null;
        if (userId.equals(hostId)) {
            newHost = members.isEmpty() ? null : members.values().iterator().next();
            hostId = newHost == null ? null : newHost.userId();
            hostName = newHost == null ? null : newHost.name();
        }
        return new Departure(true, newHost);
    }

    public synchronized int memberCount() {
        return members.size();
    }

    public synchronized List<Member> members() {
        return new ArrayList<>(members.values());
    }

    public synchronized boolean hasMember(String userId) {
        return members.containsKey(userId);
    }
}
