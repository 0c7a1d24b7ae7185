package io.hubbub.server.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.hubbub.core.feature.Feature;
import io.hubbub.core.feature.FeatureCatalog;
import io.hubbub.core.feature.FeatureSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds a validated {@link HubbubConfig} from layers, lowest to highest precedence:
 * built-in defaults, configuration files (YAML or JSON by extension, in the order added; a profile
 * file goes after the main one), environment variables {@code HUBBUB_<SECTION>_<FIELD>}
 * (e.g. {@code HUBBUB_SERVER_PORT}, {@code HUBBUB_ENGINE_REDIS_URI}), then command-line overrides
 * given as dotted keys ({@code server.port=9000}). The order of the builder calls does not change
 * that precedence. Unknown keys in any layer are errors; unknown {@code HUBBUB_*} environment
 * variables are warnings (other tools share the prefix).
 *
 * <p>Lists are given in the environment as {@code a,b,c}; maps as {@code name=value,name2=value2}.
 * A loader is used once, from one thread.
 */
public final class ConfigLoader {
    /** HUBBUB_* environment variables that are not configuration keys. */
    public static final Set<String> NON_CONFIG_ENV = Set.of("HUBBUB_JAVA_OPTS", "HUBBUB_CONFIG", "HUBBUB_PROFILE", "HUBBUB_HOME",
            "HUBBUB_AOT");

    private final List<Path> files = new ArrayList<>();
    private Map<String, String> env = Map.of();
    private final Map<String, String> overrides = new LinkedHashMap<>();
    private List<Feature> features; // null: the ones on the class path
    private final List<Feature> extraFeatures = new ArrayList<>();

    /** A config as loaded: the tree, which keys were set explicitly, and non-fatal warnings. */
    public record Loaded(HubbubConfig config, Set<String> explicitKeys, List<String> warnings) {}

    public ConfigLoader file(Path file) {
        files.add(file);
        return this;
    }

    /** The environment to read {@code HUBBUB_*} variables from, usually {@code System.getenv()}. */
    public ConfigLoader env(Map<String, String> environment) {
        this.env = Map.copyOf(environment);
        return this;
    }

    /** Command-line overrides as dotted keys; later calls win over earlier ones for the same key. */
    public ConfigLoader overrides(Map<String, String> dottedKeys) {
        overrides.putAll(dottedKeys);
        return this;
    }

    /** The known features instead of those found on the class path ({@link FeatureCatalog#discover()}). */
    public ConfigLoader features(List<Feature> known) {
        this.features = List.copyOf(known);
        return this;
    }

    /** One more known feature besides the discovered ones (an embedding application's own). */
    public ConfigLoader addFeature(Feature feature) {
        extraFeatures.add(feature);
        return this;
    }

    public ConfigLoader set(String dottedKey, String value) {
        overrides.put(dottedKey, value);
        return this;
    }

    /**
     * Loads and validates.
     *
     * @throws ConfigException listing every problem: unreadable files, unknown keys, bad values,
     *                         and validation failures (with production rules if the mode is production)
     */
    public Loaded load() {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<Feature> known = knownFeatures();
        Overlay overlay = new Overlay(errors);
        Map<String, Overlay> featureOverlays = new LinkedHashMap<>();
        for (Feature f : known) featureOverlays.put(f.name(), new Overlay(f.defaults().getClass(), "features." + f.name() + ".", errors));
        for (Path file : files) {
            JsonNode doc = read(file, errors);
            String source = "file " + file;
            splitFeatures(doc, featureOverlays, source, errors);
            overlay.mergeDocument(doc, source);
        }
        applyEnv(overlay, known, featureOverlays, warnings);
        overrides.forEach((k, v) -> {
            String source = "command-line override " + k;
            if (!setFeatureKey(k, v, source, featureOverlays, errors)) overlay.set(k, v, source);
        });
        if (!errors.isEmpty()) throw new ConfigException(errors);

        Set<String> explicit = new TreeSet<>();
        HubbubConfig config = new ConfigBinder(overlay, errors, explicit).bind(HubbubConfig.defaults());
        List<FeaturesConfig.Entry> entries = new ArrayList<>();
        for (Feature f : known) {
            Object bound = new ConfigBinder(featureOverlays.get(f.name()), errors, explicit)
                    .bindSection(f.defaults().getClass(), f.defaults(), "features." + f.name() + ".");
            entries.add(new FeaturesConfig.Entry(f, (FeatureSettings) bound));
        }
        config = config.withFeatures(FeaturesConfig.of(entries));
        if (!errors.isEmpty()) throw new ConfigException(errors);

        List<String> problems = new ArrayList<>();
        for (String p : config.problems(explicit)) {
            String key = p.substring(0, p.indexOf(':'));
            String src = overlay.source(key);
            for (Overlay fo : featureOverlays.values()) if (src == null) src = fo.source(key);
            problems.add(src == null ? p : p + " (from " + src + ")");
        }
        if (!problems.isEmpty()) throw new ConfigException(problems);
        return new Loaded(config, Set.copyOf(explicit), List.copyOf(warnings));
    }

    private List<Feature> knownFeatures() {
        List<Feature> all = new ArrayList<>(features != null ? features : FeatureCatalog.discover());
        all.addAll(extraFeatures);
        try {
            return FeatureCatalog.checked(all);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(List.of("features: " + e.getMessage()));
        }
    }

    /** Takes the {@code features} mapping out of a parsed file and merges each feature's part into its overlay. */
    private static void splitFeatures(JsonNode doc, Map<String, Overlay> featureOverlays, String source, List<String> errors) {
        if (!(doc instanceof ObjectNode o)) return;
        String key = null;
        for (var it = o.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (ConfigSchema.normalize(k).equals("features")) key = k;
        }
        if (key == null) return;
        JsonNode features = o.remove(key);
        if (features == null || features.isNull()) return;
        if (!features.isObject()) {
            errors.add("features: is a section and needs one sub-section per feature (" + String.join(", ", featureOverlays.keySet())
                    + "), in " + source);
            return;
        }
        for (var e : features.properties()) {
            Overlay fo = featureOverlays.get(ConfigSchema.normalize(e.getKey()));
            if (fo == null) {
                errors.add("unknown feature 'features." + e.getKey() + "' in " + source
                        + ConfigSchema.suggestion(e.getKey(), featureOverlays.keySet(), "features."));
                continue;
            }
            if (e.getValue() != null && !e.getValue().isNull()) fo.mergeDocument(e.getValue(), source);
        }
    }

    /** A dotted key under {@code features.}: set in its feature's overlay; false for any other key. */
    private static boolean setFeatureKey(String dottedKey, String value, String source, Map<String, Overlay> featureOverlays,
                                         List<String> errors) {
        String[] parts = dottedKey.trim().split("\\.", 3);
        if (!ConfigSchema.normalize(parts[0]).equals("features")) return false;
        if (parts.length < 3) {
            errors.add("'" + dottedKey + "' from " + source + " is a section; set a feature's key, e.g. features."
                    + (featureOverlays.isEmpty() ? "<name>" : featureOverlays.keySet().iterator().next()) + ".enabled");
            return true;
        }
        Overlay fo = featureOverlays.get(ConfigSchema.normalize(parts[1]));
        if (fo == null) {
            errors.add("unknown feature 'features." + parts[1] + "' from " + source
                    + ConfigSchema.suggestion(parts[1], featureOverlays.keySet(), "features."));
            return true;
        }
        fo.set(parts[2], value, source);
        return true;
    }

    private void applyEnv(Overlay overlay, List<Feature> known, Map<String, Overlay> featureOverlays, List<String> warnings) {
        Map<String, String> names = new LinkedHashMap<>();
        for (ConfigSchema.Leaf leaf : ConfigSchema.leaves(HubbubConfig.class)) names.put(ConfigSchema.envName(leaf.path()), leaf.path());
        for (Map.Entry<String, String> e : names.entrySet()) {
            String value = env.get(e.getKey());
            if (value != null) overlay.set(e.getValue(), value, "env " + e.getKey());
        }
        Set<String> featureNames = new LinkedHashSet<>();
        for (Feature f : known) {
            for (ConfigSchema.Leaf leaf : ConfigSchema.leaves(f.defaults().getClass())) {
                String name = ConfigSchema.envName("features." + f.name() + "." + leaf.path());
                featureNames.add(name);
                String value = env.get(name);
                if (value != null) featureOverlays.get(f.name()).set(leaf.path(), value, "env " + name);
            }
        }
        Set<String> all = new LinkedHashSet<>(names.keySet());
        all.addAll(featureNames);
        for (String name : new TreeSet<>(env.keySet())) {
            if (name.startsWith("HUBBUB_") && !all.contains(name) && !NON_CONFIG_ENV.contains(name))
                warnings.add("environment variable " + name + " is not a configuration key and is ignored"
                        + ConfigSchema.suggestion(name, all, ""));
        }
    }

    /** Parses a YAML or JSON file; problems go to {@code errors}, and the result is then null. */
    static JsonNode read(Path file, List<String> errors) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper;
        if (name.endsWith(".yaml") || name.endsWith(".yml")) mapper = new YAMLMapper();
        else if (name.endsWith(".json")) mapper = new ObjectMapper();
        else {
            errors.add("config file " + file + ": unsupported extension; use .yaml, .yml or .json");
            return null;
        }
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        try {
            String text = Files.readString(file);
            return text.isBlank() ? null : mapper.readTree(text);
        } catch (NoSuchFileException e) {
            errors.add("config file " + file + " does not exist");
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            errors.add("config file " + file + ": invalid " + (mapper instanceof YAMLMapper ? "YAML" : "JSON")
                    + (loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr()) + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            errors.add("config file " + file + " cannot be read: " + e.getMessage());
        }
        return null;
    }

    /**
     * The file of profile {@code name}: {@code hubbub-<name>.yaml}, {@code .yml} or {@code .json}
     * next to the main config file, or in the working directory when there is none.
     *
     * @throws ConfigException if the profile name is unsafe or no such file exists
     */
    public static boolean hasProfileFile(Path mainConfig, String name) {
        try {
            profileFile(mainConfig, name);
            return true;
        } catch (ConfigException e) {
            return false;
        }
    }

    public static Path profileFile(Path mainConfig, String name) {
        if (!name.matches("[A-Za-z0-9._-]+") || name.contains(".."))
            throw new ConfigException("profile name '" + name + "' may only contain letters, digits, '.', '_' and '-'");
        Path dir = mainConfig == null || mainConfig.toAbsolutePath().getParent() == null
                ? Path.of("") : mainConfig.toAbsolutePath().getParent();
        for (String ext : List.of(".yaml", ".yml", ".json")) {
            Path p = dir.resolve("hubbub-" + name + ext);
            if (Files.exists(p)) return mainConfig == null ? Path.of("hubbub-" + name + ext) : p;
        }
        throw new ConfigException("profile '" + name + "': no file hubbub-" + name + ".yaml, .yml or .json in "
                + (mainConfig == null ? "the working directory" : dir.toString()));
    }
}
