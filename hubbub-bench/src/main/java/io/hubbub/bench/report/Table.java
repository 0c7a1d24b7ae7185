package io.hubbub.bench.report;

import io.hubbub.bench.load.Result;

import java.util.List;

/** The readable table of results (fixed-width text; markdown with {@link #markdown}). */
public final class Table {
    private static final String[] HEAD = {"target", "scenario", "conns", "rate/s", "p50 ms", "p95 ms", "p99 ms", "p99.9 ms",
            "max ms", "lost", "ooo", "srv µs/dlv", "srv CPU%", "srv RSS MB", "KB/conn", "gen CPU%", "busy%"};

    private Table() {}

    static String[] row(Result r) {
        return new String[]{r.target(), r.scenario(), String.valueOf(r.connections()), f0(r.rate()), f2(r.p50()), f2(r.p95()),
                f2(r.p99()), f2(r.p999()), f2(r.max()), String.valueOf(r.lost()), String.valueOf(r.reordered()),
                f2(r.serverCpuUsPerDelivery()), f0(r.serverCpuPct()), r.serverRssKb() < 0 ? "-" : f0(r.serverRssKb() / 1024.0),
                f2(r.rssPerConnKb()), f0(r.generatorCpuPct()), f0(r.machineBusyPct())};
    }

    public static String text(List<Result> results) {
        int[] w = new int[HEAD.length];
        for (int i = 0; i < HEAD.length; i++) w[i] = HEAD[i].length();
        for (Result r : results) {
            String[] row = row(r);
            for (int i = 0; i < row.length; i++) w[i] = Math.max(w[i], row[i].length());
        }
        StringBuilder sb = new StringBuilder();
        line(sb, HEAD, w);
        for (Result r : results) {
            line(sb, row(r), w);
            for (String warning : r.warnings()) sb.append("    ! ").append(warning).append('\n');
            if (!r.extra().isEmpty()) sb.append("    ").append(r.extra()).append('\n');
        }
        return sb.toString();
    }

    public static String markdown(List<Result> results) {
        StringBuilder sb = new StringBuilder("| " + String.join(" | ", HEAD) + " |\n|" + "---|".repeat(HEAD.length) + "\n");
        for (Result r : results) sb.append("| ").append(String.join(" | ", row(r))).append(" |\n");
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] cells, int[] w) {
        for (int i = 0; i < cells.length; i++) {
            sb.append(i == 0 || i == 1 ? String.format("%-" + w[i] + "s", cells[i]) : String.format("%" + w[i] + "s", cells[i]));
            sb.append("  ");
        }
        sb.append('\n');
    }

    public static String f0(double v) {
        return v < 0 || Double.isNaN(v) ? "-" : String.format("%.0f", v);
    }

    public static String f2(double v) {
        if (v < 0 || Double.isNaN(v)) return "-";
        return v >= 100 ? String.format("%.0f", v) : v >= 10 ? String.format("%.1f", v) : String.format("%.2f", v);
    }
}
