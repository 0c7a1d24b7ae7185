package io.hubbub.bench;

import io.hubbub.bench.load.Result;
import io.hubbub.bench.load.Scenarios;
import io.hubbub.bench.report.Chart;
import io.hubbub.bench.report.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code hubbub bench compare}: every target through the same scenarios in one run. For each scenario
 * the targets run one after the other (alternating, a fresh server process each time), so slow drift
 * of the machine hits all of them alike. Prints the table and ratios; with --write-docs updates the
 * generated section of docs/BENCHMARKS.md and docs/bench-chart.svg.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, description = "Run Hubbub (native and Socket.IO), socket.io, ws and the floor side by side.")
final class Compare implements Callable<Integer> {
    static final double SATURATION_P99_MS = 250;

    @Option(names = "--targets", split = ",", defaultValue = "floor,hubbub-native,hubbub-sio,ws,socketio")
    List<String> targets;
    @Option(names = "--scenarios", split = ",", defaultValue = "connect,fanout,rooms,saturation,reconnect")
    List<String> scenarios;
    @Option(names = "--quick", description = "Small sizes and short windows (a smoke run, not figures).")
    boolean quick;
    @Option(names = "--connect-n", split = ",", defaultValue = "10000,19500",
            description = "Idle connection counts for the connect scenario (the open-file limit caps what one process can hold).")
    List<Integer> connectN;
    @Option(names = "--connect-rate", defaultValue = "0",
            description = "Open the connect scenario's connections at this many per second (0 = as fast as accepted); reports connect p50/p99.")
    double connectRate;
    @Option(names = "--fanout-n", defaultValue = "1000")
    int fanoutN;
    @Option(names = "--saturation-rates", split = ",", defaultValue = "100,150,200,250,350,500,700,1000",
            description = "Publish rates (msg/s into the fan-out room) stepped through until one fails twice.")
    List<Double> saturationRates;
    @Option(names = "--signal-rooms", defaultValue = "1000",
            description = "Two-peer rooms of the signal scenario (targets hubbub-native and peerjs).")
    int signalRooms;
    @Option(names = "--signal-rate", defaultValue = "1", description = "Negotiations per second per room in the signal scenario.")
    double signalRate;
    @Option(names = {"-d", "--duration"}, defaultValue = "10")
    double duration;
    @Option(names = "--set", description = "Extra server setting key=value for the Hubbub targets (repeatable), e.g. startup.warmupConnections=10000.")
    List<String> sets = new java.util.ArrayList<>();
    @Option(names = "--write-docs", description = "Write docs/BENCHMARKS.md (generated section), docs/bench-results.jsonl and docs/bench-chart.svg.")
    boolean writeDocs;
    @Mixin
    BenchCli.LoadOptions load = new BenchCli.LoadOptions();

    @Override
    public Integer call() throws Exception {
        Path root = load.root.toAbsolutePath().normalize();
        Path work = Files.createTempDirectory("hubbub-compare");
        if (quick) {
            connectN = List.of(1000);
            fanoutN = Math.min(fanoutN, 200);
            duration = Math.min(duration, 3);
        }
        double loadBefore = io.hubbub.bench.load.ProcStats.loadAverage();
        List<Result> results = new ArrayList<>();
        Map<String, Result> saturation = new LinkedHashMap<>();
        for (String scenario : scenarios) {
            if (scenario.equals("saturation")) {
                for (String t : targets) {
                    Result best = saturate(root, work, Target.of(t), results);
                    if (best != null) saturation.put(t, best);
                }
                continue;
            }
            for (int size : scenario.equals("connect") ? connectN : List.of(0)) {
                for (String t : targets) {
                    Result r = runScenario(root, work, Target.of(t), scenario, size, results);
                    if (r != null) System.err.print(Table.text(List.of(r)));
                }
            }
        }
        String table = Table.text(results);
        System.out.println(table);
        String ratios = Ratios.text(results, saturation);
        System.out.println(ratios);
        if (writeDocs) {
            Path docs = root.resolve("docs");
            StringBuilder jsonl = new StringBuilder();
            for (Result r : results) jsonl.append(BenchCli.JSON.writeValueAsString(r.toMap())).append('\n');
            Files.writeString(docs.resolve("bench-results.jsonl"), jsonl);
            Files.writeString(docs.resolve("bench-chart.svg"), Chart.svg(results, saturation));
            BenchmarksDoc.write(docs.resolve("BENCHMARKS.md"), generated(root, results, saturation, ratios, loadBefore));
        }
        if (load.json != null) {
            for (Result r : results)
                Files.writeString(load.json, BenchCli.JSON.writeValueAsString(r.toMap()) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        return 0;
    }

    /** {@code rate}: the publish rate of a saturation step, or the connection count of a connect run. */
    private Scenarios.Settings settings(Target t, Target.Running server, String scenario, double rate) {
        int n = switch (scenario) {
            case "connect" -> (int) rate;
            case "rooms" -> quick ? 200 : 2000;
            case "churn" -> quick ? 20 : 100;
            case "reconnect" -> quick ? 100 : 1000;
            case "signal" -> quick ? Math.min(signalRooms, 100) : signalRooms;
            default -> fanoutN;
        };
        double r = switch (scenario) {
            case "rooms" -> 1;
            case "reconnect" -> 100;
            case "signal" -> signalRate;
            default -> rate;
        };
        double secs = scenario.equals("connect") ? 3 : scenario.equals("saturation") ? Math.min(duration, 5) : duration;
        int payload = scenario.equals("signal") ? 1200 : 64; // a data-channel SDP is ~0.5-1.5 KB
        return new Scenarios.Settings(t.id, server.endpoint(), server.pid(), n, r, payload, 10, secs, quick ? 1 : warmup(scenario), load.loops,
                load.sourceAddresses, scenario.equals("connect") ? connectRate : 0);
    }

    /** Seconds not measured; signal gets longer: the JIT of a fresh Hubbub JVM needs ~10-15 s on this box to reach steady relay latency. */
    private static double warmup(String scenario) {
        return scenario.equals("signal") ? 15 : 5;
    }

    private Result runScenario(Path root, Path work, Target t, String scenario, int connectSize, List<Result> results) {
        return runOne(root, work, t, scenario, scenario.equals("connect") ? (double) connectSize : 60.0, results);
    }

    private Result runOne(Path root, Path work, Target t, String scenario, double rate, List<Result> results) {
        String kind = scenario.equals("saturation") ? "fanout" : scenario;
        System.err.println("bench: " + t.id + " " + scenario + (scenario.equals("saturation") ? " at " + rate + " msg/s" : ""));
        try (Target.Running server = t.start(root, work, t.isHubbub() ? sets : List.of())) {
            Result r = new Scenarios(settings(t, server, scenario, rate), System.err, t.id + " " + scenario).run(kind);
            if (scenario.equals("saturation")) r = r.withScenario("saturation");
            results.add(r);
            return r;
        } catch (Exception e) {
            System.err.println("bench: " + t.id + " " + scenario + " failed: " + e);
            return null;
        }
    }

    /**
     * Steps the publish rate up until p99 goes over 250 ms or a message is lost; returns the best passing
     * step. A failing step is tried once more before the ladder stops, so one noisy run on a shared
     * machine does not end it early; every run, passing or not, is in the results.
     */
    private Result saturate(Path root, Path work, Target t, List<Result> results) {
        Result best = null;
        for (double rate : quick ? List.of(50.0, 200.0) : saturationRates) {
            Result r = runOne(root, work, t, "saturation", rate, results);
            if (r != null) System.err.print(Table.text(List.of(r)));
            if (r == null || !passes(r)) {
                System.err.println("bench: " + t.id + " saturation at " + rate + " msg/s failed; trying it once more");
                r = runOne(root, work, t, "saturation", rate, results);
                if (r != null) System.err.print(Table.text(List.of(r)));
                if (r == null || !passes(r)) break;
            }
            best = r;
        }
        return best;
    }

    static boolean passes(Result r) {
        return r.p99() >= 0 && r.p99() <= SATURATION_P99_MS && r.lost() == 0 && r.disconnects() == 0;
    }

    private String generated(Path root, List<Result> results, Map<String, Result> saturation, String ratios, double loadBefore) {
        StringBuilder sb = new StringBuilder();
        sb.append("Generated by `./hubbub bench compare --write-docs` on ")
                .append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append(".\n\n");
        sb.append("- Machine: ").append(Machine.describe()).append('\n');
        sb.append("- Load average before the run: ").append(loadBefore).append(", after: ").append(io.hubbub.bench.load.ProcStats.loadAverage()).append('\n');
        sb.append("- Versions: Hubbub ").append(Machine.hubbubVersion()).append(", JDK ").append(Runtime.version())
                .append(", node ").append(Machine.command("node", "--version")).append(", socket.io ").append(Peers.version(root, "socket.io"))
                .append(", ws ").append(Peers.version(root, "ws")).append(", Netty (floor) ").append(io.netty.util.Version.identify().values().stream().findFirst().map(v -> v.artifactVersion()).orElse("?")).append('\n');
        sb.append("- Sizes: connect ").append(connectN).append(" idle connections, fanout ").append(fanoutN).append(" members × 60 msg/s × 64 B, rooms 2000 clients in 200 rooms × 1 msg/s, saturation ")
                .append(fanoutN).append(" members at ").append(saturationRates).append(" msg/s (a failing step is run twice), reconnect 1000 clients × 100 msg/s; ")
                .append(duration).append(" s measured per run after warm-up").append(quick ? " (QUICK run: not figures)" : "").append("\n\n");
        sb.append("![chart](bench-chart.svg)\n\n");
        sb.append(Table.markdown(results)).append('\n');
        sb.append("Notes printed by the tool (warnings, extras):\n\n```\n");
        for (Result r : results) {
            for (String w : r.warnings()) sb.append(r.target()).append(' ').append(r.scenario()).append(": ").append(w).append('\n');
            if (!r.extra().isEmpty()) sb.append(r.target()).append(' ').append(r.scenario()).append(": ").append(r.extra()).append('\n');
        }
        sb.append("```\n\n").append("```\n").append(ratios).append("```\n");
        return sb.toString();
    }
}
