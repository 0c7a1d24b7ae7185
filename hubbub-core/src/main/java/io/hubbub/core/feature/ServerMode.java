package io.hubbub.core.feature;

/**
 * How the server runs, for features whose defaults differ between a laptop and production (obtained
 * with {@code FeatureContext.service(ServerMode.class)}).
 *
 * @param production true when started with {@code --production} ({@code server.mode=production})
 */
public record ServerMode(boolean production) {}
