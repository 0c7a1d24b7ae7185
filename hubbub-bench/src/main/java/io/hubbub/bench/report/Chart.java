package io.hubbub.bench.report;

import io.hubbub.bench.load.Result;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** An SVG of the comparison: one panel of horizontal bars per headline figure, one bar per target. */
public final class Chart {
    private static final Map<String, String> COLOURS = Map.of("hubbub-native", "#2b7bb9", "hubbub-sio", "#6aa6d6",
            "floor", "#888888", "ws", "#d98c2b", "socketio", "#c0504d");
    private static final int PANEL_W = 420, BAR_H = 18, LABEL_W = 110;

    private Chart() {}

    private record Panel(String title, Map<String, Double> values, String unit) {}

    public static String svg(List<Result> results, Map<String, Result> saturation) {
        List<Panel> panels = new ArrayList<>();
        panels.add(panel("fan-out 1000 × 60/s: server CPU per delivery (lower is better)", results, "fanout", Result::serverCpuUsPerDelivery, "µs"));
        panels.add(panel("fan-out 1000 × 60/s: p99 latency (lower is better)", results, "fanout", Result::p99, "ms"));
        Map<String, Double> sat = new LinkedHashMap<>();
        saturation.forEach((t, r) -> sat.put(t, r.rate()));
        panels.add(new Panel("saturation: deliveries/s at p99 ≤ 250 ms, no loss (higher is better)", sat, "/s"));
        panels.add(panel("idle: server RSS per connection (lower is better)", results, "connect", Result::rssPerConnKb, "KB"));
        panels.add(panel("rooms 2000 in 200 × 1/s: p99 latency (lower is better)", results, "rooms", Result::p99, "ms"));
        int cols = 2;
        int maxBars = panels.stream().mapToInt(p -> p.values().size()).max().orElse(1);
        int panelH = 30 + maxBars * (BAR_H + 4) + 10;
        int rows = (panels.size() + cols - 1) / cols;
        int w = cols * (PANEL_W + 20) + 20, h = rows * panelH + 20;
        StringBuilder sb = new StringBuilder();
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        for (int i = 0; i < panels.size(); i++) {
            int x0 = 20 + (i % cols) * (PANEL_W + 20), y0 = 10 + (i / cols) * panelH;
            Panel p = panels.get(i);
            sb.append(String.format("<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>%n", x0, y0 + 14, esc(p.title())));
            double max = p.values().values().stream().mapToDouble(Double::doubleValue).filter(v -> v > 0).max().orElse(1);
            int y = y0 + 24;
            for (var e : p.values().entrySet()) {
                double v = e.getValue();
                int len = v <= 0 ? 0 : (int) Math.round((PANEL_W - LABEL_W - 70) * v / max);
                sb.append(String.format("<text x=\"%d\" y=\"%d\">%s</text>%n", x0, y + 13, esc(e.getKey())));
                sb.append(String.format("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n", x0 + LABEL_W, y, Math.max(1, len), BAR_H,
                        COLOURS.getOrDefault(e.getKey(), "#555")));
                sb.append(String.format("<text x=\"%d\" y=\"%d\">%s %s</text>%n", x0 + LABEL_W + len + 4, y + 13,
                        v < 0 ? "n/a" : v >= 1000 ? String.format("%,.0f", v) : Table.f2(v), p.unit()));
                y += BAR_H + 4;
            }
        }
        return sb.append("</svg>\n").toString();
    }

    private static Panel panel(String title, List<Result> results, String scenario, ToDoubleFunction<Result> f, String unit) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (Result r : results) if (r.scenario().equals(scenario)) values.put(r.target(), f.applyAsDouble(r));
        return new Panel(title, values, unit);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
