package io.hubbub.server.config;

import io.hubbub.core.config.ByteSize;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The shape of the configuration tree, read by reflection from the records so that the records
 * stay the single source of truth. Key matching ignores case, '-' and '_' (so {@code maxFrameBytes},
 * {@code max-frame-bytes} and {@code max_frame_bytes} are the same key); canonical names are the
 * record component names.
 */
final class ConfigSchema {
    private ConfigSchema() {}

    /** A leaf field (anything that is not a nested section) with its canonical dotted path. */
    record Leaf(String path, RecordComponent component) {}

    static String normalize(String name) {
        return name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    /** A nested section is a record other than the value types. */
    static boolean isSection(Class<?> type) {
        return type.isRecord() && type != ByteSize.class;
    }

    static boolean isMap(RecordComponent c) {
        return Map.class.isAssignableFrom(c.getType());
    }

    static RecordComponent find(Class<?> recordType, String name) {
        String n = normalize(name);
        for (RecordComponent c : recordType.getRecordComponents()) {
            if (normalize(c.getName()).equals(n)) return c;
        }
        return null;
    }

    static List<Leaf> leaves(Class<?> recordType) {
        List<Leaf> out = new ArrayList<>();
        collect(recordType, "", out);
        return out;
    }

    private static void collect(Class<?> type, String prefix, List<Leaf> out) {
        for (RecordComponent c : type.getRecordComponents()) {
            if (c.getType() == FeaturesConfig.class) continue; // its sub-sections depend on the known features
            String path = prefix.isEmpty() ? c.getName() : prefix + "." + c.getName();
            if (isSection(c.getType())) collect(c.getType(), path, out);
            else out.add(new Leaf(path, c));
        }
    }

    /** {@code auth.jwtSecret} -> {@code HUBBUB_AUTH_JWT_SECRET}. */
    static String envName(String path) {
        StringBuilder sb = new StringBuilder("HUBBUB");
        for (String segment : path.split("\\.")) {
            sb.append('_');
            for (char ch : segment.toCharArray()) {
                if (Character.isUpperCase(ch)) sb.append('_');
                sb.append(Character.toUpperCase(ch));
            }
        }
        return sb.toString();
    }

    /** The element type argument {@code i} of a generic component type such as List<String>. */
    static Type typeArgument(RecordComponent c, int i) {
        return c.getGenericType() instanceof ParameterizedType p ? p.getActualTypeArguments()[i] : Object.class;
    }

    static List<String> names(Class<?> recordType) {
        List<String> out = new ArrayList<>();
        for (RecordComponent c : recordType.getRecordComponents()) out.add(c.getName());
        return out;
    }

    /** " (did you mean 'x'?)" for the closest candidate within a small edit distance, else "". */
    static String suggestion(String given, Collection<String> candidates, String prefix) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(normalize(given), normalize(c));
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(2, given.length() / 3) ? " (did you mean '" + prefix + best + "'?)" : "";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
