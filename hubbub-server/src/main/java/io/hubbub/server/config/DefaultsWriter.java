package io.hubbub.server.config;

import io.hubbub.core.config.Doc;
import io.hubbub.core.config.Durations;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Writes a configuration tree as a commented YAML document: every field with its value and its
 * {@link Doc} line, plus the environment variable that overrides it. Used by
 * {@code hubbub config defaults}; the output loads back through {@link ConfigLoader} to an equal tree.
 */
public final class DefaultsWriter {
    private DefaultsWriter() {}

    public static String yaml(HubbubConfig config) {
        StringBuilder sb = new StringBuilder();
        sb.append("""
                # Hubbub configuration: every key with its default value.
                # Load with `hubbub serve --config FILE`; check with `hubbub config check FILE`.
                # Precedence, lowest to highest: defaults, this file, environment variables
                # (HUBBUB_<SECTION>_<FIELD>, shown beside each key), command-line flags (--set key=value).
                # Durations: 250ms, 5s, 2m, 3h, 1h30m. Sizes: 65536, 64KiB, 4MiB.
                """);
        for (RecordComponent section : HubbubConfig.class.getRecordComponents()) {
            sb.append('\n');
            comment(sb, "", section);
            if (section.getType() == FeaturesConfig.class) {
                writeFeatures(sb, config.features());
                continue;
            }
            sb.append(section.getName()).append(":\n");
            writeRecord(sb, value(section, config), "  ", section.getName() + ".");
        }
        return sb.toString();
    }

    private static void writeFeatures(StringBuilder sb, FeaturesConfig features) {
        if (features.all().isEmpty()) {
            sb.append("features: {}\n");
            return;
        }
        sb.append("features:\n");
        for (FeaturesConfig.Entry e : features.all()) {
            String name = e.feature().name();
            sb.append("  # ").append(e.feature().description()).append('\n');
            sb.append("  ").append(name).append(":\n");
            writeRecord(sb, e.settings(), "    ", "features." + name + ".");
        }
    }

    private static void writeRecord(StringBuilder sb, Object record, String indent, String prefix) {
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            Object v = value(c, record);
            String path = prefix + c.getName();
            comment(sb, indent, c);
            if (ConfigSchema.isSection(c.getType())) {
                sb.append(indent).append(c.getName()).append(":\n");
                writeRecord(sb, v, indent + "  ", path + ".");
            } else {
                sb.append(indent).append("# env: ").append(ConfigSchema.envName(path)).append('\n');
                sb.append(indent).append(c.getName()).append(':');
                writeValue(sb, v, indent + "  ");
            }
        }
    }

    private static void writeValue(StringBuilder sb, Object v, String indent) {
        switch (v) {
            case String s -> sb.append(' ').append(quote(s)).append('\n');
            case Duration d -> sb.append(' ').append(Durations.format(d)).append('\n');
            case List<?> l when l.isEmpty() -> sb.append(" []\n");
            case List<?> l -> {
                sb.append('\n');
                for (Object e : l) sb.append(indent).append("- ").append(quote(String.valueOf(e))).append('\n');
            }
            case Map<?, ?> m when m.isEmpty() -> sb.append(" {}\n");
            case Map<?, ?> m -> {
                sb.append('\n');
                m.forEach((k, val) -> sb.append(indent).append(quote(String.valueOf(k))).append(": ")
                        .append(quote(String.valueOf(val))).append('\n'));
            }
            default -> sb.append(' ').append(v).append('\n'); // numbers, booleans, enums, ByteSize
        }
    }

    private static void comment(StringBuilder sb, String indent, RecordComponent c) {
        Doc doc = c.getAnnotation(Doc.class);
        if (doc == null) throw new IllegalStateException("configuration field " + c + " has no @Doc");
        sb.append(indent).append("# ").append(doc.value()).append('\n');
    }

    /** A YAML double-quoted scalar; JSON string escapes are valid YAML. */
    private static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    private static Object value(RecordComponent c, Object owner) {
        try {
            return c.getAccessor().invoke(owner);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
