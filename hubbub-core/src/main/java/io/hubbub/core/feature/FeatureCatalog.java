package io.hubbub.core.feature;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Pattern;

/** Finds features on the class path ({@link ServiceLoader}) and checks a list of them. */
public final class FeatureCatalog {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,31}");

    private FeatureCatalog() {}

    /** Every feature with a {@code META-INF/services/io.hubbub.core.feature.Feature} entry, sorted by name. */
    public static List<Feature> discover() {
        List<Feature> out = new ArrayList<>();
        ServiceLoader.load(Feature.class).forEach(out::add);
        out.sort(Comparator.comparing(Feature::name));
        return checked(out);
    }

    /**
     * {@code features} unchanged if every name is valid (lower-case letters and digits, starting with
     * a letter, at most 32) and unique, and every default section is a record with {@code enabled} first.
     *
     * @throws IllegalArgumentException naming the first problem
     */
    public static List<Feature> checked(List<Feature> features) {
        Set<String> seen = new HashSet<>();
        for (Feature f : features) {
            if (!NAME.matcher(f.name()).matches())
                throw new IllegalArgumentException("feature name '" + f.name() + "' must be lower-case letters and digits");
            if (!seen.add(f.name())) throw new IllegalArgumentException("two features are named '" + f.name() + "'");
            FeatureSettings d = f.defaults();
            if (d == null || !d.getClass().isRecord())
                throw new IllegalArgumentException("feature '" + f.name() + "': defaults() must return a record");
            var first = d.getClass().getRecordComponents();
            if (first.length == 0 || !first[0].getName().equals("enabled") || first[0].getType() != boolean.class)
                throw new IllegalArgumentException("feature '" + f.name() + "': the first field of its settings must be 'boolean enabled'");
        }
        return List.copyOf(features);
    }
}
