package io.hubbub.server.cli;

import io.hubbub.server.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The {@code hubbub} command line. Exit codes: 0 success, 1 runtime error (or {@code config check}
 * found problems), 2 usage or configuration error. Configuration errors print one line per problem
 * and no stack trace.
 */
@Command(name = "hubbub", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class,
        description = "Hubbub, a realtime room server.", synopsisSubcommandLabel = "COMMAND")
public final class HubbubCli implements Runnable {
    public static final int OK = 0, RUNTIME_ERROR = 1, USAGE_ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(execute(System.getenv(), STDIN, out, err, args));
    }

    private static final java.util.function.Supplier<BufferedReader> STDIN =
            () -> new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

    /** Runs the CLI in-process (tests use this) with the given environment and output streams. */
    public static int execute(Map<String, String> env, PrintWriter out, PrintWriter err, String... args) {
        return execute(env, STDIN, out, err, args);
    }

    /** Like {@link #execute(Map, PrintWriter, PrintWriter, String...)} with the given standard input. */
    public static int execute(Map<String, String> env, java.util.function.Supplier<BufferedReader> stdin, PrintWriter out,
                              PrintWriter err, String... args) {
        int code = commandLine(env, stdin, out, err).execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The configured picocli command tree. */
    public static CommandLine commandLine(Map<String, String> env, PrintWriter out, PrintWriter err) {
        return commandLine(env, STDIN, out, err);
    }

    private static CommandLine commandLine(Map<String, String> env, java.util.function.Supplier<BufferedReader> stdin,
                                           PrintWriter out, PrintWriter err) {
        Map<String, String> environment = Map.copyOf(env);
        CommandLine cl = new CommandLine(new HubbubCli());
        cl.addSubcommand("serve", new ServeCommand(environment));
        CommandLine config = new CommandLine(new ConfigCommands());
        config.addSubcommand("defaults", new ConfigCommands.Defaults());
        config.addSubcommand("check", new ConfigCommands.Check(environment));
        cl.addSubcommand("config", config);
        cl.addSubcommand("token", new TokenCommand(environment));
        cl.addSubcommand("migrate", new MigrateCommand(environment));
        cl.addSubcommand("users", UsersCommand.tree(environment, stdin));
        cl.addSubcommand("version", new VersionInfo());
        cl.addSubcommand("aot-train", new AotTrainCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler(HubbubCli::usageError);
        cl.setExecutionExceptionHandler(HubbubCli::executionError);
        return cl;
    }

    @Override
    public void run() {
        // "hubbub" alone: show the commands.
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static int usageError(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println("hubbub: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Run '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
        return USAGE_ERROR;
    }

    private static int executionError(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (e instanceof ConfigException ce) {
            for (String problem : ce.problems()) err.println("hubbub: config error: " + problem);
            return USAGE_ERROR;
        }
        err.println("hubbub: " + (e.getMessage() == null ? e.getClass().getName() : e.getMessage()));
        if (!(e instanceof UnsupportedOperationException)) e.printStackTrace(err);
        return RUNTIME_ERROR;
    }
}
