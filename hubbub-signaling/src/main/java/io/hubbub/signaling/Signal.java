package io.hubbub.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;

import java.nio.charset.StandardCharsets;

/**
 * The closed family of WebRTC signals one peer sends to another through the server. The server only
 * checks shape and size and relays them; nothing of a signal is stored or logged.
 */
public sealed interface Signal {

    /** The wire name ({@code kind} in {@code signal:send} and {@code signal:relay}). */
    String kind();

    /** What travels to the receiver as {@code data} (null for markers without content). */
    JsonNode data();

    /** An SDP offer: {@code {"type":"offer","sdp":"…"}} as the browser's RTCSessionDescription, or the SDP string. */
    record Offer(JsonNode data) implements Signal {
        public String kind() { return "offer"; }
    }

    /** An SDP answer, same shape as an offer. */
    record Answer(JsonNode data) implements Signal {
        public String kind() { return "answer"; }
    }

    /** One trickled ICE candidate: {@code {"candidate","sdpMid","sdpMLineIndex"}} as RTCIceCandidateInit. */
    record IceCandidate(JsonNode data) implements Signal {
        public String kind() { return "ice-candidate"; }
    }

    /** No more candidates will follow for this negotiation. */
    record EndOfCandidates() implements Signal {
        public String kind() { return "end-of-candidates"; }
        public JsonNode data() { return null; }
    }

    /** Asks the receiver to start a new offer/answer round (e.g. after adding a track). Optional small data. */
    record Renegotiate(JsonNode data) implements Signal {
        public String kind() { return "renegotiate"; }
    }

    /** The sender closes its connection to the receiver. Optional small data (a reason). */
    record Bye(JsonNode data) implements Signal {
        public String kind() { return "bye"; }
    }

    /**
     * Reads one signal. {@code bad_request} for an unknown kind or a wrong shape, {@code too_large} if the
     * encoded data is over {@code maxBytes}.
     */
    static Signal parse(String kind, JsonNode data, int maxBytes) {
        JsonNode d = data == null || data.isNull() || data.isMissingNode() ? null : data;
        return parse(kind, d, d == null ? 0 : jsonSize(d), maxBytes);
    }

    /** As above with the data's {@link #jsonSize} already known ({@code d} null for none). */
    static Signal parse(String kind, JsonNode d, int size, int maxBytes) {
        if (size > maxBytes) throw new HubbubException(ErrorCode.TOO_LARGE, "signal is over " + maxBytes + " bytes");
        Signal s = switch (kind == null ? "" : kind) {
            case "offer" -> new Offer(sdp(d, "offer"));
            case "answer" -> new Answer(sdp(d, "answer"));
            case "ice-candidate" -> d == null || (d.isObject() && d.path("candidate").asText("").isEmpty() && !d.has("sdpMid"))
                    ? new EndOfCandidates() : new IceCandidate(candidate(d));
            case "end-of-candidates" -> new EndOfCandidates();
            case "renegotiate" -> new Renegotiate(small(d));
            case "bye" -> new Bye(small(d));
            default -> throw HubbubException.badRequest("field 'kind' must be one of offer, answer, ice-candidate, end-of-candidates, renegotiate, bye");
        };
        return s;
    }

    private static JsonNode sdp(JsonNode d, String kind) {
        if (d == null) throw HubbubException.badRequest("field 'data' must carry the " + kind + " SDP");
        if (d.isTextual()) {
            if (d.textValue().isBlank()) throw HubbubException.badRequest("field 'data' must carry the " + kind + " SDP");
            return d;
        }
        if (!d.isObject() || !d.path("sdp").isTextual() || d.path("sdp").textValue().isBlank())
            throw HubbubException.badRequest("field 'data' must be {type, sdp} or the SDP text");
        if (d.has("type") && !kind.equals(d.path("type").asText()))
            throw HubbubException.badRequest("field 'data.type' must be '" + kind + "'");
        return d;
    }

    private static JsonNode candidate(JsonNode d) {
        if (d.isTextual()) return d;
        if (!d.isObject() || !d.path("candidate").isTextual())
            throw HubbubException.badRequest("field 'data' must be {candidate, sdpMid, sdpMLineIndex} or the candidate line");
        return d;
    }

    private static JsonNode small(JsonNode d) {
        if (d != null && jsonSize(d) > 1024) throw new HubbubException(ErrorCode.TOO_LARGE, "renegotiate/bye data is over 1024 bytes");
        return d;
    }

    /**
     * The length in bytes of {@code d} as the server's JSON encoder writes it (compact UTF-8, escaping
     * only {@code "}, {@code \\} and control characters), counted without encoding: the size limit and
     * the size metric are checked on every relayed signal, and encoding a 1 KB SDP just to measure it
     * cost a copy per signal.
     */
    static int jsonSize(JsonNode d) {
        return switch (d.getNodeType()) {
            case STRING -> stringSize(d.textValue());
            case OBJECT -> {
                int n = 2, i = 0; // {} and a comma between fields
                for (var it = d.fields(); it.hasNext(); i++) {
                    var e = it.next();
                    n += (i > 0 ? 1 : 0) + stringSize(e.getKey()) + 1 + jsonSize(e.getValue());
                }
                yield n;
            }
            case ARRAY -> {
                int n = 2;
                for (int i = 0; i < d.size(); i++) n += (i > 0 ? 1 : 0) + jsonSize(d.get(i));
                yield n;
            }
            case NULL, MISSING -> 4;
            case BOOLEAN -> d.booleanValue() ? 4 : 5;
            case BINARY, POJO -> Json.bytes(d).length; // never in a parsed payload
            case NUMBER -> d.asText().length();
        };
    }

    private static int stringSize(String s) {
        int n = 2; // quotes
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') n += 2;
                else n += c < 0x20 ? 6 : 1;
            } else if (c < 0x800) n += 2;
            else n += Character.isSurrogate(c) ? 6 : 3; // Jackson escapes each surrogate (six bytes)
        }
        return n;
    }

    /** Exhaustive by construction: a new kind does not compile until it is named here. */
    static boolean isCandidate(Signal s) {
        return switch (s) {
            case IceCandidate c -> true;
            case EndOfCandidates e -> false;
            case Offer o -> false;
            case Answer a -> false;
            case Renegotiate r -> false;
            case Bye b -> false;
        };
    }
}
