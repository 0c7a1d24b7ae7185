package io.hubbub.server.cli;

import io.hubbub.core.protocol.HubbubException;
import io.hubbub.server.app.UserAdmin;
import io.hubbub.server.auth.Account;
import io.hubbub.server.auth.AccountRoles;
import io.hubbub.server.config.HubbubConfig;
import io.hubbub.server.logging.LoggingSetup;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * {@code hubbub users}: accounts on the configured database without a running server, e.g. the first admin of
 * a production installation (where admin sign-up is refused). Passwords are read from a terminal prompt or,
 * with {@code --password-stdin}, from the first line of standard input; never from the command line (it would
 * land in shell history and the process list) and never printed.
 */
@Command(name = "users", mixinStandardHelpOptions = true, description = "Manage accounts: create users and admins, change roles.",
        synopsisSubcommandLabel = "COMMAND")
final class UsersCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static CommandLine tree(Map<String, String> env, Supplier<BufferedReader> stdin) {
        CommandLine users = new CommandLine(new UsersCommand());
        users.addSubcommand("create", new Create(env, stdin));
        users.addSubcommand("role", new SetRole(env));
        return users;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an account (exit 1 if the username is taken).")
    static final class Create implements Callable<Integer> {
        private final Map<String, String> env;
        private final Supplier<BufferedReader> stdin;

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions options = new ConfigOptions();

        @Option(names = {"-u", "--username"}, required = true, paramLabel = "NAME", description = "3 to 32 letters, digits, '_', '.', '-'.")
        String username;

        @Option(names = "--display-name", paramLabel = "NAME", description = "Display name (default: the username).")
        String displayName;

        @Option(names = "--admin", description = "Give the account the admin role.")
        boolean admin;

        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input instead of prompting.")
        boolean passwordStdin;

        Create(Map<String, String> env, Supplier<BufferedReader> stdin) {
            this.env = env;
            this.stdin = stdin;
        }

        @Override
        public Integer call() {
            HubbubConfig config = options.load(env, Map.of(), spec.commandLine().getErr()).config().resolved();
            LoggingSetup.configure(config.logging());
            char[] password = passwordStdin ? fromStdin() : prompt();
            try (UserAdmin admin = new UserAdmin(config)) {
                Account a = admin.create(config, username, password, displayName, this.admin);
                spec.commandLine().getOut().println("created " + a.role().name().toLowerCase(Locale.ROOT) + " " + a.username()
                        + " (id " + a.id() + ")");
                return HubbubCli.OK;
            } catch (HubbubException e) {
                spec.commandLine().getErr().println("hubbub: " + e.code().wire() + ": " + e.getMessage());
                return HubbubCli.RUNTIME_ERROR;
            } finally {
                Arrays.fill(password, '\0');
            }
        }

        private char[] fromStdin() {
            try {
                String line = stdin.get().readLine();
                if (line != null && line.endsWith("\r")) line = line.substring(0, line.length() - 1); // CRLF input
                if (line == null || line.isEmpty()) throw usage("no password on standard input");
                return line.toCharArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private char[] prompt() {
            Console console = System.console();
            if (console == null) throw usage("no terminal to ask for the password: pipe it in with --password-stdin");
            char[] first = console.readPassword("Password for %s: ", username);
            char[] again = console.readPassword("Again: ");
            try {
                if (first == null || first.length == 0) throw usage("no password given");
                if (!Arrays.equals(first, again)) throw usage("the passwords do not match");
                return first.clone();
            } finally {
                if (first != null) Arrays.fill(first, '\0');
                if (again != null) Arrays.fill(again, '\0');
            }
        }

        private CommandLine.ParameterException usage(String message) {
            return new CommandLine.ParameterException(spec.commandLine(), message);
        }
    }

    @Command(name = "role", mixinStandardHelpOptions = true,
            description = "Make an account an admin or a user. Demoting revokes its tokens; the last admin cannot be demoted.")
    static final class SetRole implements Callable<Integer> {
        private final Map<String, String> env;

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions options = new ConfigOptions();

        @Parameters(index = "0", paramLabel = "USER", description = "User id or username.")
        String user;

        @Parameters(index = "1", paramLabel = "ROLE", description = "admin or user.")
        String role;

        SetRole(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() {
            var newRole = roleOf(role);
            HubbubConfig config = options.load(env, Map.of(), spec.commandLine().getErr()).config().resolved();
            LoggingSetup.configure(config.logging());
            try (UserAdmin admin = new UserAdmin(config)) {
                AccountRoles.Change c = admin.setRole(user, newRole);
                spec.commandLine().getOut().println(c.account().username() + " (id " + c.account().id() + ") is now "
                        + role + (c.tokensRevoked() ? "; its tokens are revoked" : ""));
                return HubbubCli.OK;
            } catch (HubbubException e) {
                spec.commandLine().getErr().println("hubbub: " + e.code().wire() + ": " + e.getMessage());
                return HubbubCli.RUNTIME_ERROR;
            }
        }

        private io.hubbub.core.auth.Role roleOf(String r) {
            try {
                return AccountRoles.parse(r);
            } catch (HubbubException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "ROLE must be admin or user, not '" + r + "'");
            }
        }
    }
}
