package io.hubbub.bench.load;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one scenario run measured. Latencies in milliseconds; -1 (or NaN) where not measured.
 * {@code rate} is deliveries/s for message scenarios, connections/s for connect, cycles/s for churn.
 */
public record Result(String target, String scenario, Map<String, Object> params, int connections, double seconds,
                     long sent, long deliveries, double rate, double p50, double p95, double p99, double p999, double max,
                     long lost, long reordered, long disconnects, long errors,
                     double serverCpuUsPerDelivery, double serverCpuPct, long serverRssKb, double rssPerConnKb,
                     double generatorCpuPct, double machineBusyPct, double loadAverage,
                     Map<String, Object> extra, List<String> warnings) {

    /** Builds a result from the measurement window [a, b] and the latency histogram. */
    public static Result of(String target, String scenario, Map<String, Object> params, int connections, long sent,
                            long deliveries, long events, Histogram h, ProcStats.Snapshot a, ProcStats.Snapshot b,
                            long serverPid, Stats stats, long lost, double rssPerConnKb, Map<String, Object> extra) {
        double secs = (b.wallNanos() - a.wallNanos()) / 1e9;
        double serverCpu = a.serverCpu() < 0 || b.serverCpu() < 0 ? -1 : (b.serverCpu() - a.serverCpu());
        double selfCpuPct = 100.0 * (b.selfCpu() - a.selfCpu()) / (b.wallNanos() - a.wallNanos());
        long mTotal = b.machineTotal() - a.machineTotal();
        double busy = mTotal <= 0 ? -1 : 100.0 * (b.machineBusy() - a.machineBusy()) / mTotal;
        boolean hasLatency = h != null && h.getTotalCount() > 0;
        List<String> warnings = new ArrayList<>();
        int cores = Runtime.getRuntime().availableProcessors();
        if (selfCpuPct > 100.0 * cores * 0.45) warnings.add(String.format("load generator used %.0f%% CPU: it may be the bottleneck", selfCpuPct));
        if (busy > 95) warnings.add(String.format("machine was %.0f%% busy: figures are CPU-bound for both sides", busy));
        if (lost > 0) warnings.add(lost + " messages lost");
        if (stats.disconnects.sum() > 0) warnings.add(stats.disconnects.sum() + " unexpected disconnects");
        return new Result(target, scenario, params, connections, secs, sent, deliveries, events / secs,
                hasLatency ? ms(h.getValueAtPercentile(50)) : -1, hasLatency ? ms(h.getValueAtPercentile(95)) : -1,
                hasLatency ? ms(h.getValueAtPercentile(99)) : -1, hasLatency ? ms(h.getValueAtPercentile(99.9)) : -1,
                hasLatency ? ms(h.getMaxValue()) : -1,
                lost, stats.reordered.sum(), stats.disconnects.sum(), stats.errors.sum(),
                serverCpu < 0 || deliveries <= 0 ? -1 : serverCpu / 1000.0 / deliveries,
                serverCpu < 0 ? -1 : 100.0 * serverCpu / (b.wallNanos() - a.wallNanos()),
                ProcStats.rssKb(serverPid), rssPerConnKb, selfCpuPct, busy, ProcStats.loadAverage(), extra, warnings);
    }

    public Result withScenario(String name) {
        return new Result(target, name, params, connections, seconds, sent, deliveries, rate, p50, p95, p99, p999, max, lost,
                reordered, disconnects, errors, serverCpuUsPerDelivery, serverCpuPct, serverRssKb, rssPerConnKb, generatorCpuPct,
                machineBusyPct, loadAverage, extra, warnings);
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", target);
        m.put("scenario", scenario);
        m.put("params", params);
        m.put("connections", connections);
        m.put("seconds", round(seconds));
        m.put("sent", sent);
        m.put("deliveries", deliveries);
        m.put("rate", round(rate));
        m.put("p50Ms", p50);
        m.put("p95Ms", p95);
        m.put("p99Ms", p99);
        m.put("p999Ms", p999);
        m.put("maxMs", max);
        m.put("lost", lost);
        m.put("reordered", reordered);
        m.put("disconnects", disconnects);
        m.put("errors", errors);
        m.put("serverCpuUsPerDelivery", round(serverCpuUsPerDelivery));
        m.put("serverCpuPct", round(serverCpuPct));
        m.put("serverRssKb", serverRssKb);
        m.put("rssPerConnKb", round(rssPerConnKb));
        m.put("generatorCpuPct", round(generatorCpuPct));
        m.put("machineBusyPct", round(machineBusyPct));
        m.put("loadAverage", loadAverage);
        m.put("extra", extra);
        m.put("warnings", warnings);
        return m;
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
