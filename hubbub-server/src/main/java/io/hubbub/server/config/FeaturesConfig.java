package io.hubbub.server.config;

import io.hubbub.core.config.Checks;
import io.hubbub.core.feature.Feature;
import io.hubbub.core.feature.FeatureSettings;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code features} section: one sub-section per known feature ({@code features.<name>}), each the
 * feature's own settings record. Which features are known is decided by the loader (the ones found on
 * the class path, plus any an embedding application adds), so this section is not a fixed record.
 * Immutable.
 */
public final class FeaturesConfig {
    /** One known feature and its bound settings. */
    public record Entry(Feature feature, FeatureSettings settings) {}

    private final Map<String, Entry> entries;

    private FeaturesConfig(Map<String, Entry> entries) {
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /** No features known. */
    public static FeaturesConfig none() {
        return new FeaturesConfig(Map.of());
    }

    /** {@code features} with their default settings. */
    public static FeaturesConfig defaults(List<Feature> features) {
        Map<String, Entry> m = new LinkedHashMap<>();
        for (Feature f : features) m.put(f.name(), new Entry(f, f.defaults()));
        return new FeaturesConfig(m);
    }

    static FeaturesConfig of(List<Entry> entries) {
        Map<String, Entry> m = new LinkedHashMap<>();
        for (Entry e : entries) m.put(e.feature().name(), e);
        return new FeaturesConfig(m);
    }

    /** Every known feature, in order, enabled or not. */
    public List<Entry> all() {
        return new ArrayList<>(entries.values());
    }

    /** The features to install. */
    public List<Entry> enabled() {
        return entries.values().stream().filter(e -> e.settings().enabled()).toList();
    }

    public boolean isEnabled(String name) {
        Entry e = entries.get(name);
        return e != null && e.settings().enabled();
    }

    void validate(Checks c) {
        for (Entry e : entries.values()) e.settings().validate(c, "features." + e.feature().name() + ".");
    }

    /** Equal when the same features (by name) have equal settings. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof FeaturesConfig other) || !other.entries.keySet().equals(entries.keySet())) return false;
        for (var e : entries.entrySet()) if (!e.getValue().settings().equals(other.entries.get(e.getKey()).settings())) return false;
        return true;
    }

    @Override
    public int hashCode() {
        int h = 0;
        for (var e : entries.entrySet()) h += e.getKey().hashCode() ^ e.getValue().settings().hashCode();
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("features[");
        entries.forEach((k, v) -> sb.append(k).append(v.settings().enabled() ? "=on " : "=off "));
        return sb.toString().trim() + "]";
    }
}
