package io.hubbub.server.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import io.hubbub.core.auth.Principal;
import io.hubbub.core.auth.Role;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * The claim rules shared by Hubbub's own and external tokens, and their mapping to a {@link Principal}.
 * Claims: {@code sub} (user id, required), {@code exp} (required), {@code name}, {@code role}
 * ({@code user}, {@code admin}, {@code guest}, {@code service}; default {@code user}), {@code rooms}
 * (room-scoped token: the only rooms it may join), {@code roomCreatedAt} (the room instance a room token is
 * bound to), {@code nbf}, {@code iat}, {@code iss}, {@code aud}.
 * Error messages never contain the token or its claims.
 */
final class TokenClaims {

    static final String NAME = "name";
    static final String ROLE = "role";
    static final String ROOMS = "rooms";
    /** Room tokens Hubbub mints: creation time of the room instance the token is bound to (0: not created yet). */
    static final String ROOM_CREATED_AT = "roomCreatedAt";
    private static final int MAX_SUBJECT = 128;

    private TokenClaims() {}

    static HubbubException invalid() {
        return new HubbubException(ErrorCode.UNAUTHORIZED, "invalid token");
    }

    static HubbubException expired() {
        return new HubbubException(ErrorCode.UNAUTHORIZED, "token expired");
    }

    /**
     * Checks time, issuer and audience, then maps the claims.
     *
     * @param issuer   required {@code iss}, or null to accept any
     * @param audience a value {@code aud} must contain, or null to accept any
     */
    static Principal toPrincipal(JWTClaimsSet claims, Instant now, Duration skew, String issuer, String audience) {
        Date exp = claims.getExpirationTime();
        if (exp == null) throw invalid();
        if (now.isAfter(exp.toInstant().plus(skew))) throw expired();
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(skew).isBefore(nbf.toInstant())) throw invalid();
        Date iat = claims.getIssueTime();
        if (iat != null && now.plus(skew).isBefore(iat.toInstant())) throw invalid();
        if (issuer != null && !issuer.equals(claims.getIssuer())) throw invalid();
        if (audience != null && (claims.getAudience() == null || !claims.getAudience().contains(audience))) {
            throw invalid();
        }
        String subject = claims.getSubject();
        if (subject == null || subject.isBlank() || subject.length() > MAX_SUBJECT) throw invalid();
        try {
            String name = claims.getStringClaim(NAME);
            Role role = Role.parse(claims.getStringClaim(ROLE));
            List<String> rooms = claims.getStringListClaim(ROOMS);
            Set<String> scope = rooms == null ? null : Set.copyOf(rooms);
            Long boundTo = claims.getLongClaim(ROOM_CREATED_AT);
            if (boundTo != null && (scope == null || boundTo < 0)) throw invalid();
            long bound = boundTo == null ? Principal.UNBOUND : boundTo;
            return new Principal(subject, name == null || name.isBlank() ? subject : name, role, scope,
                    exp.getTime(), bound, iat == null ? 0 : iat.getTime());
        } catch (ParseException | IllegalArgumentException | NullPointerException wrongType) {
            // a claim of the wrong JSON type, an unknown role, or a null inside "rooms"
            throw invalid();
        }
    }
}
