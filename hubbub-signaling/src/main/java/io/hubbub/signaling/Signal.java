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
        if (d != null && Json.bytes(d).length > maxBytes)
            throw new HubbubException(ErrorCode.TOO_LARGE, "signal is over " + maxBytes + " bytes");
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
        if (d != null && Json.bytes(d).length > 1024) throw new HubbubException(ErrorCode.TOO_LARGE, "renegotiate/bye data is over 1024 bytes");
        return d;
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
