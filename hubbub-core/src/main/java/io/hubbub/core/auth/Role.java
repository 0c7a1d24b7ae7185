package io.hubbub.core.auth;

/** What a principal may do beyond ordinary membership. */
public enum Role {
    /** A guest without an account (only when anonymous access is configured). */
    GUEST,
    USER,
    /** May use the admin API and manage any room. */
    ADMIN,
    /** A server-side caller authenticated by API key: may publish anywhere and use the admin API. */
    SERVICE;

    public boolean isPrivileged() {
        return this == ADMIN || this == SERVICE;
    }

    public static Role parse(String s) {
        return s == null ? USER : Role.valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
