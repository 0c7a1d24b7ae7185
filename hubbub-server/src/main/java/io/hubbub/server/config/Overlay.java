package io.hubbub.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The values an operator set, merged layer by layer over each other (later layers win), with
 * keys already mapped to their canonical names and the source of every value remembered for
 * error messages. Unknown keys are reported, never ignored. Not thread-safe.
 */
final class Overlay {
    private final ObjectNode root = JsonNodeFactory.instance.objectNode();
    private final Map<String, String> sources = new HashMap<>();
    private final List<String> errors;
    private final Class<?> rootType;
    private final String rootPrefix;

    Overlay(List<String> errors) {
        this(HubbubConfig.class, "", errors);
    }

    /**
     * An overlay for the record {@code rootType} found at {@code rootPrefix} of the whole tree (e.g. a
     * feature's settings at {@code features.chat.}); keys are given relative to it, reported in full.
     */
    Overlay(Class<?> rootType, String rootPrefix, List<String> errors) {
        this.rootType = rootType;
        this.rootPrefix = rootPrefix;
        this.errors = errors;
    }

    ObjectNode root() {
        return root;
    }

    /** Where the value of a dotted key came from ("file x.yaml", "env HUBBUB_…", "command line"), or null. */
    String source(String path) {
        return sources.get(path);
    }

    /** Merges a parsed file (its top level must be a mapping). */
    void mergeDocument(JsonNode doc, String source) {
        if (doc == null || doc.isNull() || doc.isMissingNode()) return;
        if (!doc.isObject()) {
            errors.add(source + ": the top level must be a mapping of sections (server:, auth:, ...)");
            return;
        }
        mergeSection(rootType, doc, root, rootPrefix, source);
    }

    private void mergeSection(Class<?> type, JsonNode in, ObjectNode out, String prefix, String source) {
        for (Map.Entry<String, JsonNode> e : in.properties()) {
            RecordComponent c = ConfigSchema.find(type, e.getKey());
            if (c == null) {
                errors.add("unknown key '" + prefix + e.getKey() + "' in " + source
                        + ConfigSchema.suggestion(e.getKey(), ConfigSchema.names(type), prefix));
                continue;
            }
            JsonNode value = e.getValue();
            if (value == null || value.isNull()) continue; // an empty YAML section or "~": keep defaults
            String path = prefix + c.getName();
            if (ConfigSchema.isSection(c.getType())) {
                if (!value.isObject()) {
                    errors.add(path + ": is a section and needs nested keys (" + String.join(", ", ConfigSchema.names(c.getType()))
                            + "), got '" + value.asText() + "' in " + source);
                    continue;
                }
                mergeSection(c.getType(), value, child(out, c.getName()), path + ".", source);
            } else if (ConfigSchema.isMap(c) && value.isObject()) {
                ObjectNode map = child(out, c.getName());
                value.properties().forEach(m -> {
                    map.set(m.getKey(), m.getValue());
                    sources.put(path + "." + m.getKey(), source);
                });
                sources.put(path, source);
            } else {
                out.set(c.getName(), value);
                sources.put(path, source);
            }
        }
    }

    /**
     * Sets one dotted key to a text value (environment and command line). For a map field the
     * rest of the key after the field is the map key, so {@code logging.loggers.io.netty=WARN}
     * works; the whole map can be given as {@code name=value,name2=value2}.
     */
    void set(String dottedKey, String value, String source) {
        String[] parts = dottedKey.trim().split("\\.");
        Class<?> type = rootType;
        ObjectNode node = root;
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            RecordComponent c = ConfigSchema.find(type, parts[i]);
            String rel = path.isEmpty() ? "" : path + ".";
            String prefix = rootPrefix + rel;
            if (c == null) {
                errors.add("unknown key '" + prefix + parts[i] + "' from " + source + ConfigSchema.suggestion(parts[i], ConfigSchema.names(type), prefix));
                return;
            }
            path.append(rel.isEmpty() ? "" : ".").append(c.getName());
            String full = rootPrefix + path;
            boolean last = i == parts.length - 1;
            if (ConfigSchema.isSection(c.getType())) {
                if (last) {
                    errors.add("'" + full + "' from " + source + " is a section; set one of its keys, e.g. " + full + "."
                            + ConfigSchema.names(c.getType()).getFirst());
                    return;
                }
                type = c.getType();
                node = child(node, c.getName());
            } else if (ConfigSchema.isMap(c)) {
                ObjectNode map = child(node, c.getName());
                if (last) {
                    for (String entry : value.split(",")) {
                        if (entry.isBlank()) continue;
                        int eq = entry.indexOf('=');
                        if (eq <= 0) {
                            errors.add(full + ": expected name=value pairs separated by commas, got '" + entry.trim() + "' from " + source);
                            return;
                        }
                        map.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
                    }
                } else {
                    String key = String.join(".", java.util.Arrays.copyOfRange(parts, i + 1, parts.length));
                    map.put(key, value);
                    sources.put(full + "." + key, source);
                }
                sources.put(full, source);
                return;
            } else {
                if (!last) {
                    errors.add("unknown key '" + rootPrefix + dottedKey + "' from " + source + ": '" + full + "' is not a section");
                    return;
                }
                node.set(c.getName(), TextNode.valueOf(value));
                sources.put(full, source);
            }
        }
    }

    private static ObjectNode child(ObjectNode parent, String name) {
        JsonNode existing = parent.get(name);
        if (existing instanceof ObjectNode o) return o;
        return parent.putObject(name);
    }
}
