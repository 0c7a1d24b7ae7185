package io.hubbub.server.cli;

import io.hubbub.server.app.Commands;
import io.hubbub.core.config.Durations;
import io.hubbub.server.config.HubbubConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code hubbub token}: mints a token for development, signed with the configured secret. */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Mint a token for development and print it.")
final class TokenCommand implements Callable<Integer> {
    private final Map<String, String> env;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = {"-u", "--user"}, paramLabel = "USER", defaultValue = "dev", description = "User the token is for (default: ${DEFAULT-VALUE}).")
    String user;

    @Option(names = "--room", paramLabel = "ROOM", description = "Mint a room-scoped token for this room.")
    String room;

    @Option(names = "--ttl", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Lifetime, e.g. 30m or 24h (default: auth.tokenTtl, or auth.roomTokenTtl with --room).")
    Duration ttl;

    @Option(names = "--admin", description = "Give the token the admin role.")
    boolean admin;

    TokenCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        HubbubConfig config = options.load(env, Map.of(), spec.commandLine().getErr()).config().resolved();
        spec.commandLine().getOut().println(Commands.token(config, user, room, ttl, admin));
        return HubbubCli.OK;
    }

    static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
