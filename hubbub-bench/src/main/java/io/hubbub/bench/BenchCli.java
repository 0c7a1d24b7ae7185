package io.hubbub.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubbub.bench.load.Endpoint;
import io.hubbub.bench.load.Protocol;
import io.hubbub.bench.load.Result;
import io.hubbub.bench.load.Scenarios;
import io.hubbub.bench.report.Table;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code hubbub bench}: the load generator ({@code run}), the side-by-side comparison
 * ({@code compare}), the floor reference server ({@code floor}) and the JMH microbenchmarks ({@code jmh}).
 */
@Command(name = "hubbub bench", mixinStandardHelpOptions = true, description = "Load generator and benchmarks for Hubbub.",
        subcommands = {BenchCli.Run.class, Compare.class, BenchCli.Floor.class, BenchCli.Jmh.class})
public final class BenchCli implements Runnable {
    static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Options shared by run and compare. */
    static class LoadOptions {
        @Option(names = "--loops", defaultValue = "2", description = "Generator event loops (default ${DEFAULT-VALUE}).")
        int loops;
        @Option(names = "--source-addresses", defaultValue = "16", description = "Spread connections over 127.0.0.2.. this many addresses.")
        int sourceAddresses;
        @Option(names = "--root", defaultValue = "${sys:hubbub.root:-.}", description = "Repository root (where ./hubbub and bench/peers are).")
        Path root;
        @Option(names = "--json", description = "Append one JSON line per result to this file.")
        Path json;
        @Option(names = "--generator-warmup", defaultValue = "5000",
                description = "Connections the generator makes to an in-process floor server before its first run, to warm its own code (0: off; default ${DEFAULT-VALUE}).")
        void generatorWarmup(int n) {
            io.hubbub.bench.load.GeneratorWarmup.connections(n);
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run one scenario against one target.")
    static final class Run implements Callable<Integer> {
        @Option(names = {"-t", "--target"}, defaultValue = "hubbub-native",
                description = "hubbub-native, hubbub-sio, socketio, ws, floor (started by the tool), or 'external' with --port.")
        String target;
        @Option(names = {"-s", "--scenario"}, defaultValue = "fanout", description = "connect, fanout, rooms, churn, reconnect, spaces (-n avatars, -r tiles/s each), signal, chain (-n clients, --room-size subscribers per topic, -r chain events/s from a fake Solana node), chain-submit (a room of -n watchers, --room-size of them submitting verified payments, -r submissions/s in all), chat (-n users in group chats of --room-size, -r msgs/s each).")
        String scenario;
        @Option(names = {"-n", "--connections"}, defaultValue = "1000", description = "Connections (members, clients).")
        int connections;
        @Option(names = {"-r", "--rate"}, defaultValue = "60", description = "Messages per second (fanout: publisher; rooms: each client).")
        double rate;
        @Option(names = {"-p", "--payload"}, defaultValue = "64", description = "Payload size in bytes.")
        int payload;
        @Option(names = "--room-size", defaultValue = "10", description = "Members per room (rooms scenario); subscribers per topic (chain); submitters (chain-submit).")
        int roomSize;
        @Option(names = "--spaces", defaultValue = "1", description = "Spaces (spaces scenario): the -n avatars are split evenly among them.")
        int spaces;
        @Option(names = "--space-form", defaultValue = "compact", description = "Spaces scenario: the space:moves form the avatars ask for, compact (m: [n, x, y, ...]) or full (moves: [{userId, x, y}]).")
        String spaceForm;
        @Option(names = {"-d", "--duration"}, defaultValue = "10", description = "Measured seconds.")
        double duration;
        @Option(names = "--warmup", defaultValue = "3", description = "Warm-up seconds (not measured).")
        double warmup;
        @Option(names = "--connect-rate", defaultValue = "0",
                description = "connect scenario: open the -n connections at this many per second (open loop); 0 = as fast as accepted.")
        double connectRate;
        @Option(names = "--then", defaultValue = "0",
                description = "connect scenario: then open this many more (the first -n still held) and report their RSS per connection apart (rssPerConnKbThen): the cost of one more idle connection once the node's one-time costs are paid.")
        int connectThen;
        @Option(names = "--port", description = "External server port (with --target external).")
        int port;
        @Option(names = "--protocol", defaultValue = "NATIVE", description = "External server protocol: NATIVE or SOCKETIO.")
        Protocol protocol;
        @Option(names = "--pid", defaultValue = "-1", description = "External server pid, for CPU and RSS.")
        long pid;
        @Option(names = "--dev-tokens", description = "External Hubbub server running with the dev JWT secret: sign tokens for the clients.")
        boolean devTokens;
        @Option(names = "--guest", description = "Native clients authenticate as guests with an auth frame (Hubbub targets get auth.allowGuests=true).")
        boolean guest;
        @Option(names = "--set", description = "Extra server setting key=value for a Hubbub target (repeatable), e.g. features.spaces.batchMovement=false.")
        List<String> sets = new ArrayList<>();
        @Option(names = "--db", defaultValue = "sqlite",
                description = "Database of a Hubbub target: sqlite (its own file) or postgresql (an embedded PostgreSQL the tool starts, synchronous_commit on).")
        String db;
        @Option(names = "--chat-baseline",
                description = "chat: then the same run against a fresh server committing one message per transaction (features.chat.writeBatch=1), and the ratio.")
        boolean chatBaseline;
        @CommandLine.Mixin
        LoadOptions load = new LoadOptions();

        @Override
        public Integer call() throws Exception {
            List<Result> results = new ArrayList<>();
            Path work = Files.createTempDirectory("hubbub-bench");
            if (target.equals("external")) {
                Endpoint endpoint = devTokens
                        ? (protocol == Protocol.NATIVE ? Target.HUBBUB_NATIVE : Target.HUBBUB_SIO).endpoint(port)
                        : new Endpoint("127.0.0.1", port, protocol, null);
                results.add(run(guest ? endpoint.asGuest() : endpoint, pid, "external"));
            } else {
                try (BenchDatabase database = BenchDatabase.open(db)) {
                    io.hubbub.bench.load.ChatScenario.databaseCpu = database::cpuNanos;
                    String label = db.equals("sqlite") ? target : target + "/" + database.kind();
                    results.add(start(database, sets, label, work));
                    if (chatBaseline && scenario.equals("chat")) {
                        List<String> batch1 = new ArrayList<>(sets);
                        batch1.add("features.chat.writeBatch=1");
                        results.add(start(database, batch1, label + "/batch1", work));
                    }
                }
            }
            System.out.print(Table.text(results));
            if (results.size() == 2) {
                Object a = results.get(0).extra().get("persistedMsgsPerSec"), b = results.get(1).extra().get("persistedMsgsPerSec");
                if (a instanceof Number x && b instanceof Number y && y.doubleValue() > 0)
                    System.out.printf("    group commit / one transaction per message: %.0f / %.0f persisted msgs/s = %.1fx%n",
                            x.doubleValue(), y.doubleValue(), x.doubleValue() / y.doubleValue());
            }
            for (Result r : results) {
                String line = JSON.writeValueAsString(r.toMap());
                System.out.println(line);
                if (load.json != null) Files.writeString(load.json, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            return 0;
        }

        private Result start(BenchDatabase database, List<String> settings, String label, Path work) throws Exception {
            List<String> all = new ArrayList<>(settings);
            all.addAll(database.settings());
            if (guest) all.add("auth.allowGuests=true");
            if (scenario.startsWith("chain")) all.addAll(io.hubbub.bench.load.ChainScenario.serverSettings()); // the fake node first
            try (Target.Running server = Target.of(target).start(load.root.toAbsolutePath().normalize(), work, all)) {
                return run(guest ? server.endpoint().asGuest() : server.endpoint(), server.pid(), label);
            }
        }

        Result run(Endpoint endpoint, long serverPid, String label) throws Exception {
            // the spaces scenario reads its avatars per space from roomSize
            int members = scenario.equals("spaces") ? Math.max(1, (connections + spaces - 1) / Math.max(1, spaces)) : roomSize;
            var settings = new Scenarios.Settings(label, endpoint, serverPid, connections, rate, payload, members, duration, warmup,
                    load.loops, load.sourceAddresses, connectRate);
            if (!spaceForm.equals("compact") && !spaceForm.equals("full")) throw new IllegalArgumentException("--space-form: compact or full");
            return new Scenarios(settings, System.err, label + " " + scenario).spacesCompact(spaceForm.equals("compact"))
                    .connectThen(connectThen).run(scenario);
        }
    }

    @Command(name = "floor", mixinStandardHelpOptions = true, description = "Run the floor reference server.")
    static final class Floor implements Callable<Integer> {
        @Option(names = "--port", defaultValue = "8092")
        int port;

        @Override
        public Integer call() throws Exception {
            io.hubbub.bench.floor.FloorServer.main(new String[]{String.valueOf(port)});
            return 0;
        }
    }

    @Command(name = "jmh", description = "Run the JMH microbenchmarks; arguments go to JMH (e.g. -f 1 -wi 2 -i 3 Codec).")
    static final class Jmh implements Callable<Integer> {
        @CommandLine.Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            org.openjdk.jmh.Main.main(args.toArray(String[]::new));
            return 0;
        }
    }
}
