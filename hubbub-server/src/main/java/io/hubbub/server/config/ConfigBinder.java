package io.hubbub.server.config;

import io.hubbub.core.config.ByteSize;
import io.hubbub.core.config.Durations;

import com.fasterxml.jackson.databind.JsonNode;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Builds the typed records from an {@link Overlay} over a tree of defaults: every field the
 * overlay does not set keeps its default. Conversion errors are collected (with the source of the
 * bad value) rather than thrown one at a time, so an operator sees all of them at once.
 */
final class ConfigBinder {
    private final Overlay overlay;
    private final List<String> errors;
    private final Set<String> explicit;

    ConfigBinder(Overlay overlay, List<String> errors, Set<String> explicitOut) {
        this.overlay = overlay;
        this.errors = errors;
        this.explicit = explicitOut;
    }

    HubbubConfig bind(HubbubConfig defaults) {
        return (HubbubConfig) bindRecord(HubbubConfig.class, overlay.root(), defaults, "");
    }

    /** Binds a sub-tree rooted at {@code prefix} (a feature's section) over its defaults. */
    Object bindSection(Class<?> type, Object defaults, String prefix) {
        return bindRecord(type, overlay.root(), defaults, prefix);
    }

    private Object bindRecord(Class<?> type, JsonNode node, Object defaults, String prefix) {
        RecordComponent[] comps = type.getRecordComponents();
        Object[] values = new Object[comps.length];
        for (int i = 0; i < comps.length; i++) {
            RecordComponent c = comps[i];
            Object def = read(c, defaults);
            JsonNode v = node == null ? null : node.get(c.getName());
            String path = prefix + c.getName();
            if (v == null) values[i] = def;
            else if (ConfigSchema.isSection(c.getType())) values[i] = bindRecord(c.getType(), v, def, path + ".");
            else {
                explicit.add(path);
                try {
                    values[i] = convert(c, v);
                } catch (IllegalArgumentException e) {
                    String src = overlay.source(path);
                    errors.add(path + ": " + e.getMessage() + (src == null ? "" : " (from " + src + ")"));
                    values[i] = def;
                }
            }
        }
        try {
            Constructor<?> ctor = type.getDeclaredConstructor(Arrays.stream(comps).map(RecordComponent::getType).toArray(Class<?>[]::new));
            return ctor.newInstance(values);
        } catch (InvocationTargetException e) {
            errors.add(prefix + ": " + e.getCause().getMessage());
            return defaults;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("configuration record " + type.getName() + " cannot be built", e);
        }
    }

    private static Object read(RecordComponent c, Object owner) {
        try {
            return c.getAccessor().invoke(owner);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + c, e);
        }
    }

    /** Converts a file, environment or command-line value to the field's type. */
    static Object convert(RecordComponent c, JsonNode v) {
        Class<?> t = c.getType();
        if (t == String.class) return scalar(v, "a string");
        if (t == int.class) return (int) wholeNumber(v, Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (t == long.class) return wholeNumber(v, Long.MIN_VALUE, Long.MAX_VALUE);
        if (t == double.class) {
            if (v.isNumber()) return v.doubleValue();
            try {
                return Double.parseDouble(scalar(v, "a number").trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected a number, got '" + v.asText() + "'");
            }
        }
        if (t == boolean.class) {
            if (v.isBoolean()) return v.booleanValue();
            return switch (scalar(v, "true or false").trim().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on", "1" -> true;
                case "false", "no", "off", "0" -> false;
                default -> throw new IllegalArgumentException("expected true or false, got '" + v.asText() + "'");
            };
        }
        if (t == Duration.class) {
            if (v.isNumber() && v.asLong() == 0 && v.isIntegralNumber()) return Duration.ZERO;
            if (v.isNumber()) throw new IllegalArgumentException("a duration needs a unit, e.g. " + v.asText() + "s or " + v.asText() + "ms");
            return Durations.parse(scalar(v, "a duration"));
        }
        if (t == ByteSize.class) {
            if (v.isIntegralNumber()) return ByteSize.ofBytes(v.asLong());
            return ByteSize.parse(scalar(v, "a size"));
        }
        if (t.isEnum()) return enumValue(t, scalar(v, "one of " + allowed(t)));
        if (t == List.class) {
            List<String> out = new ArrayList<>();
            if (v.isArray()) v.forEach(e -> out.add(scalar(e, "a list of strings")));
            else for (String s : scalar(v, "a list").split(",")) if (!s.isBlank()) out.add(s.trim());
            return out;
        }
        if (t == Map.class) {
            if (!v.isObject()) throw new IllegalArgumentException("expected a mapping of name: value, or name=value pairs separated by commas");
            Map<String, String> out = new LinkedHashMap<>();
            v.properties().forEach(e -> out.put(e.getKey(), scalar(e.getValue(), "a string value")));
            return out;
        }
        throw new IllegalStateException("unsupported configuration type " + c.getGenericType() + " of " + c.getName());
    }

    private static String scalar(JsonNode v, String expected) {
        if (!v.isValueNode()) throw new IllegalArgumentException("expected " + expected + ", got " + (v.isArray() ? "a list" : "a mapping"));
        return v.asText();
    }

    private static long wholeNumber(JsonNode v, long min, long max) {
        long n;
        if (v.isIntegralNumber() && v.canConvertToLong()) n = v.asLong();
        else {
            try {
                n = Long.parseLong(scalar(v, "a whole number").trim().replace("_", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected a whole number, got '" + v.asText() + "'");
            }
        }
        if (n < min || n > max) throw new IllegalArgumentException("number " + n + " is out of range");
        return n;
    }

    private static Object enumValue(Class<?> t, String text) {
        for (Object constant : t.getEnumConstants()) {
            if (constant.toString().equalsIgnoreCase(text.trim()) || ((Enum<?>) constant).name().equalsIgnoreCase(text.trim()))
                return constant;
        }
        throw new IllegalArgumentException("must be one of " + allowed(t) + ", got '" + text + "'");
    }

    private static String allowed(Class<?> t) {
        return Arrays.stream(t.getEnumConstants()).map(Object::toString).collect(Collectors.joining("|"));
    }
}
