package io.hubbub.core.feature;

/**
 * A product built on Hubbub's core (chat, signaling, spaces, chain events, or an application's own):
 * events, HTTP routes, tables, a configuration section, metrics, timers and protocol adapters, all
 * registered through {@link FeatureContext} — the same public API an embedding application uses.
 *
 * <p>Contract:
 * <ul>
 *   <li>A {@code Feature} is a stateless descriptor. {@link #install} may be called once per server
 *       (several servers can run in one JVM); keep runtime state in what {@code install} creates.</li>
 *   <li>Its configuration lives at {@code features.<name>} as the record {@link #defaults()} returns
 *       (fields documented with {@link io.hubbub.core.config.Doc}, validated by
 *       {@link FeatureSettings#validate}); it is shown by {@code hubbub config defaults} and overridden
 *       by file, {@code HUBBUB_FEATURES_<NAME>_<FIELD>} and {@code --set features.<name>.<field>=…}.</li>
 *   <li>A feature whose {@code enabled} is false is never installed: it registers no events, routes
 *       or adapters, its migrations do not run and it starts no timers or threads.</li>
 *   <li>It depends on {@code hubbub-core}'s public API (and the store's public types) only, never on
 *       the server's internals or on another feature.</li>
 * </ul>
 * Built-in features are found with {@link java.util.ServiceLoader} (a {@code META-INF/services} entry in
 * their module); an embedding application may pass its own to the server's configuration loader.
 */
public interface Feature {

    /** The feature's name: lower case letters and digits, e.g. {@code chat}; its config key under {@code features}. */
    String name();

    /** One line for operators: what the feature is (shown with its configuration section). */
    String description();

    /** The configuration section with every default: a record implementing {@link FeatureSettings}. */
    FeatureSettings defaults();

    /**
     * Flyway migrations of the feature's own tables, as a classpath location (e.g. {@code db/chat}), or
     * null when it has none. They run before {@link #install}, only when the feature is enabled, on
     * SQLite and PostgreSQL alike, with their own history table ({@code flyway_<name>_history}).
     */
    default String migrations() {
        return null;
    }

    /** Registers everything the feature serves. Called once, before the server accepts connections. */
    void install(FeatureContext ctx) throws Exception;
}
