package io.hubbub.client;

/** What the close codes of PROTOCOL.md mean for reconnecting. */
final class CloseCodes {
    static final int NORMAL = 1000;
    static final int ABNORMAL = 1006;
    static final int TOO_BIG = 1009;
    static final int HEARTBEAT_TIMEOUT = 4009;

    private CloseCodes() {
    }

    /**
     * False for codes whose table row says "no": normal close, protocol errors the same frames would
     * cause again, authentication failures, an administrator's disconnect, a session resumed by a newer connection.
     */
    static boolean reconnectable(int code) {
        return switch (code) {
            case 1000, 1002, 1003, 1009, 4001, 4003, 4010, 4011 -> false;
            default -> true;
        };
    }

    /** Codes that ask for a slower reconnect: the server is flooded or overloaded. */
    static boolean slow(int code) {
        return code == 4029 || code == 4503;
    }
}
