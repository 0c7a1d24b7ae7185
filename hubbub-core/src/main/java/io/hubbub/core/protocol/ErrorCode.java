package io.hubbub.core.protocol;

/**
 * The stable error codes of the Hubbub protocols. The wire name ({@link #wire()}) is part of the
 * public contract: clients switch on it, so a code is never renamed or reused for another meaning.
 * Documented for client authors in docs/PROTOCOL.md.
 */
public enum ErrorCode {
    /** The frame or its payload is malformed: bad JSON, wrong types, missing or invalid fields. */
    BAD_REQUEST("bad_request"),
    /** The event type is not known to this server. */
    UNKNOWN_EVENT("unknown_event"),
    /** The connection is not authenticated, or its credentials are invalid or expired. */
    UNAUTHORIZED("unauthorized"),
    /** Authenticated, but not allowed to do this. */
    FORBIDDEN("forbidden"),
    /** The room, user or resource does not exist. */
    NOT_FOUND("not_found"),
    /** Too many requests: a rate limit (frames/s, connections/s) was hit. Retry later. */
    RATE_LIMITED("rate_limited"),
    /** A frame or field is over its size limit. */
    TOO_LARGE("too_large"),
    /** The room is at capacity. */
    ROOM_FULL("room_full"),
    /** A count limit was reached: connections per user/IP, rooms per connection. */
    LIMIT_EXCEEDED("limit_exceeded"),
    /** The request conflicts with current state: a taken username, a room id that exists, already joined. */
    CONFLICT("conflict"),
    /** The room is served by another node; details carry its url. Reconnect there. */
    MOVED("moved"),
    /** The peer a signal was addressed to is not (or no longer) in the room; nothing was queued. */
    PEER_GONE("peer_gone"),
    /** A dependency (database, engine) is unavailable, or the server is draining or overloaded. Retry later. */
    UNAVAILABLE("unavailable"),
    /** An unexpected server error. Nothing was applied unless the answer said so. */
    INTERNAL("internal"),
    /** Chain payments: the node knows no transaction with this signature. */
    TX_NOT_FOUND("tx_not_found"),
    /** Chain payments: the transaction exists but has not reached the required commitment yet; retry later. */
    TX_NOT_CONFIRMED("tx_not_confirmed"),
    /** Chain payments: the transaction failed on chain. */
    TX_FAILED("tx_failed"),
    /** Chain payments: none of the caller's linked wallets signed the transaction. */
    TX_WRONG_SIGNER("tx_wrong_signer"),
    /** Chain payments: the required recipient received nothing in the transaction. */
    TX_WRONG_RECIPIENT("tx_wrong_recipient"),
    /** Chain payments: the recipient was paid, but not in the required asset (SOL or the mint). */
    TX_WRONG_ASSET("tx_wrong_asset"),
    /** Chain payments: the recipient was paid less than the required minimum. */
    TX_AMOUNT_TOO_LOW("tx_amount_too_low"),
    /** Chain payments: this transaction was already used for a payment (by anyone). */
    TX_ALREADY_USED("tx_already_used"),
    /** Wallet linking: the signature does not verify for the wallet, the user and the nonce. */
    WALLET_SIGNATURE_INVALID("wallet_signature_invalid"),
    /** Wallet linking: the nonce is unknown, used, expired or another user's. */
    NONCE_INVALID("nonce_invalid"),
    /** Accounts: the change would leave no admin account (demoting the last admin); nothing was changed. */
    LAST_ADMIN("last_admin");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** HTTP status used when this code is returned by the HTTP API. */
    public int httpStatus() {
        return switch (this) {
            case BAD_REQUEST, UNKNOWN_EVENT -> 400;
            case UNAUTHORIZED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case PEER_GONE -> 410;
            case CONFLICT, ROOM_FULL -> 409;
            case MOVED -> 421;
            case TOO_LARGE -> 413;
            case RATE_LIMITED, LIMIT_EXCEEDED -> 429;
            case UNAVAILABLE -> 503;
            case INTERNAL -> 500;
            case TX_NOT_FOUND -> 404;
            case TX_NOT_CONFIRMED, TX_ALREADY_USED, NONCE_INVALID, LAST_ADMIN -> 409;
            case TX_FAILED, TX_WRONG_RECIPIENT, TX_WRONG_ASSET, TX_AMOUNT_TOO_LOW -> 422;
            case TX_WRONG_SIGNER, WALLET_SIGNATURE_INVALID -> 403;
        };
    }

    public static ErrorCode fromWire(String wire) {
        for (ErrorCode c : values()) {
            if (c.wire.equals(wire)) return c;
        }
        throw new IllegalArgumentException("unknown error code " + wire);
    }
}
