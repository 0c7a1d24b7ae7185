package io.hubbub.core.store;

import io.hubbub.core.auth.Role;

/** A stored account. {@code passwordHash} is an Argon2id PHC string and never leaves the server. */
public record User(String id, String username, String displayName, String avatarUrl, Role role,
                   String passwordHash, long createdAt) {}
