package io.hubbub.server.docs;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A small JSON Schema checker for the subset docs/asyncapi.yaml and docs/openapi.yaml use: local
 * {@code $ref}, type (incl. type lists and "null"), const, enum, required, properties,
 * additionalProperties, items, min/maxItems, maxProperties, minimum/maximum, min/maxLength, pattern,
 * allOf, anyOf, oneOf. Any other keyword is an error (not silently ignored), so a schema can never
 * look checked when it is not. Annotation keywords (description, default, title) are skipped.
 */
final class SchemaChecker {
    private static final Set<String> ANNOTATIONS = Set.of("description", "default", "title", "examples");
    private static final Set<String> SUPPORTED = Set.of("$ref", "type", "const", "enum", "required", "properties",
            "additionalProperties", "items", "minItems", "maxItems", "maxProperties", "minimum", "maximum", "minLength",
            "maxLength", "pattern", "allOf", "anyOf", "oneOf");

    private final JsonNode root;

    /** @param root the document local {@code $ref}s ("#/components/schemas/X") resolve against */
    SchemaChecker(JsonNode root) {
        this.root = root;
    }

    /** The violations of {@code value} against {@code schema}; empty when it conforms. */
    List<String> check(JsonNode schema, JsonNode value) {
        List<String> errors = new ArrayList<>();
        check(schema, value, "$", errors);
        return errors;
    }

    /** Follows a local JSON pointer such as {@code #/components/messages/ping}. */
    JsonNode resolve(String ref) {
        if (!ref.startsWith("#/")) throw new IllegalArgumentException("only local refs are supported: " + ref);
        JsonNode n = root;
        for (String part : ref.substring(2).split("/")) {
            n = n.get(part.replace("~1", "/").replace("~0", "~"));
            if (n == null) throw new IllegalArgumentException("unresolvable $ref " + ref);
        }
        return n;
    }

    /** The node itself, or what its {@code $ref} chain points to. */
    JsonNode deref(JsonNode n) {
        while (n.has("$ref")) n = resolve(n.get("$ref").asText());
        return n;
    }

    private void check(JsonNode schema, JsonNode v, String path, List<String> errors) {
        for (Iterator<String> it = schema.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!SUPPORTED.contains(k) && !ANNOTATIONS.contains(k)) {
                throw new IllegalArgumentException("schema keyword '" + k + "' at " + path + " is not supported by this checker");
            }
        }
        if (schema.has("$ref")) {
            check(resolve(schema.get("$ref").asText()), v, path, errors);
        }
        JsonNode type = schema.get("type");
        if (type != null) {
            boolean ok = false;
            if (type.isArray()) {
                for (JsonNode t : type) ok |= hasType(v, t.asText());
            } else {
                ok = hasType(v, type.asText());
            }
            if (!ok) {
                errors.add(path + ": expected type " + type + " but was " + v.getNodeType() + " " + v);
                return;
            }
        }
        if (schema.has("const") && !same(schema.get("const"), v)) errors.add(path + ": expected " + schema.get("const") + " but was " + v);
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode e : schema.get("enum")) found |= same(e, v);
            if (!found) errors.add(path + ": " + v + " is not one of " + schema.get("enum"));
        }
        if (v.isObject()) checkObject(schema, v, path, errors);
        if (v.isArray()) checkArray(schema, v, path, errors);
        if (v.isNumber()) {
            if (schema.has("minimum") && v.decimalValue().compareTo(schema.get("minimum").decimalValue()) < 0) errors.add(path + ": " + v + " < minimum " + schema.get("minimum"));
            if (schema.has("maximum") && v.decimalValue().compareTo(schema.get("maximum").decimalValue()) > 0) errors.add(path + ": " + v + " > maximum " + schema.get("maximum"));
        }
        if (v.isTextual()) {
            int len = v.textValue().codePointCount(0, v.textValue().length());
            if (schema.has("minLength") && len < schema.get("minLength").asInt()) errors.add(path + ": shorter than " + schema.get("minLength"));
            if (schema.has("maxLength") && len > schema.get("maxLength").asInt()) errors.add(path + ": longer than " + schema.get("maxLength"));
            if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText()).matcher(v.textValue()).find()) {
                errors.add(path + ": '" + v.textValue() + "' does not match " + schema.get("pattern").asText());
            }
        }
        if (schema.has("allOf")) for (JsonNode s : schema.get("allOf")) check(s, v, path, errors);
        if (schema.has("anyOf")) {
            int passing = passing(schema.get("anyOf"), v, path);
            if (passing == 0) errors.add(path + ": matches none of anyOf");
        }
        if (schema.has("oneOf")) {
            int passing = passing(schema.get("oneOf"), v, path);
            if (passing != 1) errors.add(path + ": matches " + passing + " of oneOf (must be exactly 1)");
        }
    }

    private void checkObject(JsonNode schema, JsonNode v, String path, List<String> errors) {
        if (schema.has("required")) {
            for (JsonNode r : schema.get("required")) if (!v.has(r.asText())) errors.add(path + ": missing required '" + r.asText() + "'");
        }
        if (schema.has("maxProperties") && v.size() > schema.get("maxProperties").asInt()) errors.add(path + ": more than " + schema.get("maxProperties") + " properties");
        JsonNode props = schema.get("properties");
        JsonNode additional = schema.get("additionalProperties");
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String p = path + "." + f.getKey();
            if (props != null && props.has(f.getKey())) {
                check(props.get(f.getKey()), f.getValue(), p, errors);
            } else if (additional != null) {
                if (additional.isBoolean()) {
                    if (!additional.booleanValue()) errors.add(p + ": property not allowed");
                } else {
                    check(additional, f.getValue(), p, errors);
                }
            }
        }
    }

    private void checkArray(JsonNode schema, JsonNode v, String path, List<String> errors) {
        if (schema.has("minItems") && v.size() < schema.get("minItems").asInt()) errors.add(path + ": fewer than " + schema.get("minItems") + " items");
        if (schema.has("maxItems") && v.size() > schema.get("maxItems").asInt()) errors.add(path + ": more than " + schema.get("maxItems") + " items");
        if (schema.has("items")) for (int i = 0; i < v.size(); i++) check(schema.get("items"), v.get(i), path + "[" + i + "]", errors);
    }

    private int passing(JsonNode alternatives, JsonNode v, String path) {
        int n = 0;
        for (JsonNode s : alternatives) {
            List<String> e = new ArrayList<>();
            check(s, v, path, e);
            if (e.isEmpty()) n++;
        }
        return n;
    }

    private static boolean hasType(JsonNode v, String type) {
        return switch (type) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "integer" -> v.isIntegralNumber();
            case "number" -> v.isNumber();
            case "boolean" -> v.isBoolean();
            case "null" -> v.isNull();
            default -> throw new IllegalArgumentException("unknown schema type '" + type + "'");
        };
    }

    private static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue()) == 0;
        return a.equals(b);
    }
}
