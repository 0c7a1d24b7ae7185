package io.hubbub.core.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.regex.Pattern;

/**
 * The shared Jackson mapper and strict payload accessors. Accessors throw {@code bad_request} with a
 * message naming the field, so every handler validates input the same way.
 */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    public static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    private Json() {}

    private static final com.fasterxml.jackson.databind.ObjectReader STRICT_READER =
            MAPPER.reader().with(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION);

    /**
     * A client's JSON text that must be one object (protocol adapters' frames): {@code bad_request}
     * for malformed JSON, duplicate keys, trailing data or anything but an object.
     */
    public static ObjectNode parseObject(String text) {
        JsonNode n;
        try {
            n = STRICT_READER.readTree(text);
        } catch (java.io.IOException e) {
            throw HubbubException.badRequest("malformed JSON");
        }
        if (!(n instanceof ObjectNode o)) throw HubbubException.badRequest("a frame must be a JSON object");
        return o;
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static String text(JsonNode payload, String field) {
        JsonNode n = payload.get(field);
        if (n == null || n.isNull()) throw HubbubException.badRequest("missing field '" + field + "'");
        if (!n.isTextual()) throw HubbubException.badRequest("field '" + field + "' must be a string");
        return n.textValue();
    }

    public static String optText(JsonNode payload, String field, String fallback) {
        JsonNode n = payload.get(field);
        if (n == null || n.isNull()) return fallback;
        if (!n.isTextual()) throw HubbubException.badRequest("field '" + field + "' must be a string");
        return n.textValue();
    }

    /** A room, topic or user id: 1–64 chars of [A-Za-z0-9_.:-]. */
    public static String id(JsonNode payload, String field) {
        String s = text(payload, field);
        if (!ID.matcher(s).matches()) {
            throw HubbubException.badRequest("field '" + field + "' must be 1-64 characters of A-Z a-z 0-9 _ . : -");
        }
        return s;
    }

    public static boolean isValidId(String s) {
        return s != null && ID.matcher(s).matches();
    }

    public static long optLong(JsonNode payload, String field, long fallback) {
        JsonNode n = payload.get(field);
        if (n == null || n.isNull()) return fallback;
        if (!n.canConvertToLong() || !n.isIntegralNumber()) throw HubbubException.badRequest("field '" + field + "' must be an integer");
        return n.longValue();
    }

    public static int optInt(JsonNode payload, String field, int fallback, int min, int max) {
        long v = optLong(payload, field, fallback);
        if (v < min || v > max) throw HubbubException.badRequest("field '" + field + "' must be between " + min + " and " + max);
        return (int) v;
    }

    public static boolean optBool(JsonNode payload, String field, boolean fallback) {
        JsonNode n = payload.get(field);
        if (n == null || n.isNull()) return fallback;
        if (!n.isBoolean()) throw HubbubException.badRequest("field '" + field + "' must be a boolean");
        return n.booleanValue();
    }

    /** Any JSON value, required (may be an object, array, string, number, boolean; not absent). */
    public static JsonNode value(JsonNode payload, String field) {
        JsonNode n = payload.get(field);
        if (n == null) throw HubbubException.badRequest("missing field '" + field + "'");
        return n;
    }

    public static ObjectNode optObject(JsonNode payload, String field, int maxBytes) {
        JsonNode n = payload.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isObject()) throw HubbubException.badRequest("field '" + field + "' must be an object");
        if (n.toString().length() > maxBytes) {
            throw new HubbubException(ErrorCode.TOO_LARGE, "field '" + field + "' is over " + maxBytes + " bytes");
        }
        return (ObjectNode) n;
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
